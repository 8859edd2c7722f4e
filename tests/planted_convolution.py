"""Planted wrong implementations of the convolution family (tests/planted.py says what each class carries)."""
