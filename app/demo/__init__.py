"""Demo data, so that a newcomer can click through the portal at once."""
