"""The recurrence family's declarations: layers on sequences (N, T, D), with their baseline on the bike sequences."""

DECLARED = []
