"""Checks of neural-network components: gradient checks, property suites, baselines and grading."""
