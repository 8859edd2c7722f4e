"""The maintainers' instruments: make bench, make compare-torch, the mutation gate, make bench-grading.

Not part of what learners and graders run: the Gradescope bundle does not ship this package.
"""
