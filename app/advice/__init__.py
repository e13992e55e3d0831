"""The advice library: reusable pieces of advice per field of work and topic, in each language, that a
recruiter picks and edits while writing the summary after a feedback conversation."""
