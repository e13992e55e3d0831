"""Outgoing mail: an outbox table written in the caller's transaction, and a worker that sends it."""
