"""Applicant tracking systems: rejections in through the API and webhooks, and what follows."""
