"""The candidate's two-question survey after the feedback conversation."""
