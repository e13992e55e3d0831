"""The phone call after an interview: the recruiter's call list, the record of each call, and the
link to the feedback hour for a candidate who wants it as well."""
