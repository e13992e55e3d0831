"""The talent pool: members, their tags and history, consent from the candidate's link, re-applications and hires."""
