"""Planning the monthly feedback sessions and their slots."""
