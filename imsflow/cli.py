"""Command line: arguments -> pipeline -> exit code (CONTRACTS.md).

Each subcommand lives in imsflow/commands/<name>.py with `register(subparsers)` and
`run(args) -> int`; this module only dispatches and turns user errors into exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from . import __version__, commands
from .commands import _common
from .errors import ImsflowError
from .loader import BUILTINS_ONLY_ENV
from .patterns.verdict import ExitCode

# Commands in the order `imsflow --help` lists them; any other module in commands/ follows.
ORDER = ["check", "list", "trace", "diagrams", "export", "matrix", "diff", "report", "conform", "import_", "lint",
         "mutate"]


def _command_modules():
    found = {m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")}
    names = [n for n in ORDER if n in found] + sorted(found - set(ORDER))
    return [importlib.import_module(f"{commands.__name__}.{n}") for n in names]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imsflow",
        description="Model and verify WebRTC access to IMS through a Web Signalling Translator "
        "(3GPP TR 23.701 contribution).",
    )
    parser.add_argument("--version", action="version", version=f"imsflow {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        module.register(sub)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors are exit 2 already, --help is 0
        return int(exc.code or 0)
    if not getattr(args, "command", None):
        parser.print_help()
        return ExitCode.USAGE
    saved = os.environ.get(BUILTINS_ONLY_ENV)
    if getattr(args, "builtin_properties_only", False):
        os.environ[BUILTINS_ONLY_ENV] = "1"  # seen by the loader here and in worker processes
    _common.CREATED.clear()
    try:
        return int(args.run(args))
    except ImsflowError as exc:
        _common.remove_created_dirs()
        print(f"imsflow {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a file the command could not read or write that no check caught first
        _common.remove_created_dirs()
        name = f" {exc.filename!r}" if exc.filename else ""
        print(f"imsflow {args.command}: error: cannot use{name}: {exc.strerror or exc}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("imsflow: interrupted; no result written", file=sys.stderr)
        return 130
    finally:
        if saved is None:
            os.environ.pop(BUILTINS_ONLY_ENV, None)
        else:
            os.environ[BUILTINS_ONLY_ENV] = saved


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
