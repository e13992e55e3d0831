"""The outbox as recruiters see it: every e-mail and its state, and retrying failed ones."""
