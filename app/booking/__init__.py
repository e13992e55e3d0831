"""The candidate's self-service: book, reschedule or cancel a slot, or wait for one."""
