"""python3 -m checks COMMAND (or nnref COMMAND, once installed): what learners and instructors run.

`template` and every command's --help need the standard library alone: the
modules they import never import hypothesis (a test runs them without
site-packages). The commands that run checks need hypothesis; without it they
say in one line what to install, exit code 2.
"""
import argparse
import os
import sys

MODULE = "python3 -m checks"
INSTALL = ("run `python3 -m pip install -e '.[dev]'` in the project folder "
           "(or `python3 -m pip install hypothesis`), then try again")


class UsageError(Exception):
    """A command line that breaks a rule; reported in one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parser(prog=MODULE):
    p = Parser(prog=prog, description="Checks of neural-network components.")
    commands = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    check = commands.add_parser("check", help="check every component of reference/ and print a table")
    check.add_argument("components", nargs="*", metavar="NAME", help="components to check (default: all)")
    from checks.grading.commands import add_commands
    add_commands(commands)
    return p


def program(argv):
    """How the user called us: `nnref` from the installed entry point, else `python3 -m checks`."""
    name = os.path.basename(sys.argv[0]) if argv is None and sys.argv and sys.argv[0] else ""
    return MODULE if not name or name == "__main__.py" or name.startswith(("python", "-")) else name


def main(argv=None):
    prog = program(argv)
    try:
        args = parser(prog).parse_args(argv)
    except UsageError as e:
        print(f"{prog}: {e}", file=sys.stderr)
        return 2
    from checks.grading.commands import HANDLERS, UsageError as GradingUsageError
    try:
        if args.command == "check":
            from checks import suite
            return suite.main(args.components)
        return HANDLERS[args.command](args)
    except GradingUsageError as e:
        print(f"{prog} {args.command}: {e}", file=sys.stderr)
        return 2
    except ModuleNotFoundError as e:
        if e.name != "hypothesis":
            raise
        print(f"{prog} {args.command}: the checks need hypothesis, which is not installed; {INSTALL}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
