"""Public pages: the home page, asking for the link again, and the language switch."""
