"""The command-line parser of the tools in checks/ (bench, compare_torch, grading.speed, mutation).

A command line that breaks a rule is reported in one line, `PROG: what is
wrong`, with exit code 2: no usage block to scroll past, no traceback.
"""
import argparse
import sys


class Parser(argparse.ArgumentParser):
    """argparse's parser, with every usage error (its own and those of error()) in one line on stderr, exit 2."""

    def error(self, message):
        print(f"{self.prog}: {message} (--help lists the options)", file=sys.stderr)
        sys.exit(2)
