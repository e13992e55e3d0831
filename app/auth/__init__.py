"""Staff accounts: signing in, roles, and the first account from the command line."""
