"""The candidate's rights and the retention rules: data download, erasure, and the daily purge."""
