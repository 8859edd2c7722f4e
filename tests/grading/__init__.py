"""Tests of the grader (checks/grading/): correct and planted submissions, exploits, formats and commands."""
