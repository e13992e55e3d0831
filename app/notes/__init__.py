"""Preparing and holding the conversation: agenda, notes with the feedback checker, outcome, summary."""
