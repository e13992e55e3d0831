"""The talent pool, candidate side: consent asked by e-mail and given (or refused) with the personal link."""
