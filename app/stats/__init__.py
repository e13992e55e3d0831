"""Figures for HR: aggregates from the anonymous event log, never about a person."""
