"""Outgoing webhooks: events of the feedback hour told to other systems, signed, through an outbox."""
