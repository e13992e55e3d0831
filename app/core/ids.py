"""Database ids as visitors send them: in a path, a query string or a form."""

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database; a larger one would overflow (SQLite cannot bind it)


def is_id(value) -> bool:
    """Whether ``value`` is a whole number the database can hold as an id (a bool is not)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID
