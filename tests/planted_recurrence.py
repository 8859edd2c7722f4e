"""Planted wrong implementations of the recurrence family (tests/planted.py says what each class carries)."""
