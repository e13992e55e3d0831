"""The recruiter's overview page and the staff menu."""
