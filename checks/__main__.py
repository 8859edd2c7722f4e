"""python -m checks COMMAND: what learners and instructors run."""
import argparse
import sys


class UsageError(Exception):
    """A command line that breaks a rule; reported in one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parser():
    p = Parser(prog="python -m checks", description="Checks of neural-network components.")
    commands = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    check = commands.add_parser("check", help="check every component of reference/ and print a table")
    check.add_argument("components", nargs="*", metavar="NAME", help="components to check (default: all)")
    from checks.grading.commands import add_commands
    add_commands(commands)
    return p


def main(argv=None):
    try:
        args = parser().parse_args(argv)
    except UsageError as e:
        print(f"python -m checks: {e}", file=sys.stderr)
        return 2
    if args.command == "check":
        from checks import suite
        return suite.main(args.components)
    from checks.grading.commands import HANDLERS, UsageError as GradingUsageError
    try:
        return HANDLERS[args.command](args)
    except GradingUsageError as e:
        print(f"python -m checks {args.command}: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
