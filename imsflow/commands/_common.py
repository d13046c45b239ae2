"""Argument helpers shared by the subcommands: the shared options, the validation of numbers
(one spelling of "no budget" everywhere: `none`), and output that is either complete or absent.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import tempfile

from ..errors import UsageError

NO_BUDGET = "none"  # how every budget option says "no budget" (--max-states none, --timeout none)


def _directory(text: str) -> str:
    """argparse type: a directory name that is not empty (an empty one once meant the seed)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty directory name; leave the option out for the built-in seed model")
    return text


def add_model_arg(p, *, help_text: str | None = None) -> None:
    p.add_argument("--model", metavar="DIR", default=None, type=_directory,
                   help=help_text or "model directory (holding model/ and properties/); default: the built-in seed model")
    p.add_argument("--builtin-properties-only", action="store_true",
                   help="check a model that has no properties/ catalogue against the built-in properties only "
                   "(deadlock-free, every-message-handled, flow-reachable); without it such a model is refused")


def add_dask_arg(p) -> None:
    """--dask-scheduler, for the commands that take --executor."""
    p.add_argument("--dask-scheduler", dest="scheduler", type=dask_address, default=None, metavar="ADDRESS",
                   help="with --executor dask: the Dask scheduler to run on (tcp://HOST:PORT; default: Dask's "
                   "DASK_SCHEDULER_ADDRESS, else a Dask cluster on this machine)")


def dask_address(text: str) -> str:
    """argparse type: something that can be a Dask scheduler address (Dask itself checks the rest)."""
    text = text.strip()
    if not text or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a scheduler address (tcp://HOST:PORT)")
    return text


def positive_int(what: str):
    """argparse type: a whole number >= 1."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number ({what})") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{value} is not a positive number ({what}: 1 or more)")
        return value
    parse.__name__ = "number"
    return parse


def count_budget(what: str = "states"):
    """argparse type: a positive count, or `none` for no budget (0 and negatives are refused:
    0 once meant "none" in one command and "no states" in another)."""
    whole = positive_int(what)

    def parse(text: str):
        if text.strip().lower() == NO_BUDGET:
            return None
        try:
            return whole(text)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(f"{exc}; give '{NO_BUDGET}' for no budget") from None
    parse.__name__ = "budget"
    return parse


def _positive_amount(text: str, unit: str) -> float:
    """A positive, finite number of `unit`, or math.inf for `none` (the argparse error otherwise)."""
    if text.strip().lower() == NO_BUDGET:
        return math.inf
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of {unit}; give '{NO_BUDGET}' for no budget") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of {unit}; give '{NO_BUDGET}' for no budget")
    return value


def seconds_budget(text: str):
    """argparse type: a positive, finite number of seconds, or `none` - infinity, which every
    engine reads as no time budget (not None, which lets the Z3 engine pick its own default)."""
    return _positive_amount(text, "seconds")


def memory_budget(text: str):
    """argparse type: a positive number of GiB (8, 0.5), or `none` for no memory budget (math.inf)."""
    value = _positive_amount(text, "GiB")
    return value if value == math.inf else int(value * 2**30)


def add_budget_args(p, *, states_default=None, states_help: str = "") -> None:
    default = f"default {states_default:,}" if states_default else "default: none"
    p.add_argument("--max-states", type=count_budget("states"), default=states_default, metavar="N|none",
                   help=f"state budget ({default}; '{NO_BUDGET}': no budget); a search cut short gives "
                   f"inconclusive verdicts{states_help}")
    p.add_argument("--max-memory", type=memory_budget, default=None, metavar="GIB|none", dest="max_bytes",
                   help="memory budget of one search in GiB (default: half the memory available when the run "
                   "starts, shared by the searches running at once; 'none': no budget); a search cut short "
                   "gives inconclusive verdicts")
    p.add_argument("--timeout", type=seconds_budget, default=None, metavar="SECONDS|none",
                   help="time budget (default: none for the explicit engine, 120 s a system for z3; 'none': no "
                   "budget for either); a search cut short gives inconclusive verdicts")


def add_config_args(p, *, wics_default: int = 1) -> None:
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], dest="settings",
                   help="a variant setting (see 'imsflow list variants'); repeatable")
    p.add_argument("--wics", type=positive_int("WICs"), default=wics_default, metavar="N",
                   help="number of WICs (default 1)")


def add_intruder_arg(p) -> None:
    p.add_argument("--no-intruder", dest="intruder", action="store_false",
                   help="decide the security properties without the model's intruder (printed as a warning: "
                        "a security holds in a world where nobody attacks says nothing)")


def check_fixed_settings(loaded, flows, settings: dict) -> list[str]:
    """A --set value that a flow fixes otherwise: an error for a flow the user named, a note
    (returned) when it only concerns some of all the flows."""
    model = loaded.model
    notes = []
    named = list(flows or [])
    for flow_id in named or list(model.flows):
        flow = model.flows.get(flow_id)
        if flow is None:
            continue
        for name, value in settings.items():
            fixed = flow.fixes.get(name)
            if fixed is not None and fixed != value:
                if named:
                    raise UsageError(f"--set {name}={value}: flow {flow_id} fixes {name}={fixed}",
                                     hint=f"drop the --set, or choose a flow that runs with {name}={value} "
                                     "(imsflow list flows shows what each flow fixes)")
                notes.append(f"{flow_id} fixes {name}={fixed}; --set {name}={value} applies to the other flows")
    return notes


def refuse_empty(run) -> None:
    """A selection that checks nothing is bad input, not a clean result."""
    if not run.results:
        raise UsageError("the selection checks nothing: no selected property applies to the selected flows",
                         hint="see 'imsflow list properties' for the flows each property applies to")


# Directories ensure_out_dir created for this command: the CLI removes the ones still empty when
# the command fails, so a refused command leaves nothing behind (cli.main).
CREATED: list = []


def remove_created_dirs() -> None:
    while CREATED:
        try:
            os.rmdir(CREATED.pop())  # deepest first; fails (and stays) when something was written
        except OSError:
            pass


def ensure_out_dir(path: str, option: str = "--out") -> str:
    """Create the output directory (before any work is done) and make sure it can be written,
    so a bad --out fails at once with exit 2 instead of after the search with a traceback."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"{option} {path!r} is a file, not a directory", hint="give a directory (created if missing)")
    missing, d = [], os.path.abspath(path)
    while not os.path.exists(d):
        missing.append(d)
        d = os.path.dirname(d)
    try:
        os.makedirs(path, exist_ok=True)
        CREATED.extend(reversed(missing))
        fd, probe = tempfile.mkstemp(prefix=".imsflow-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"{option} {path!r}: cannot write there: {exc.strerror}",
                         hint="give a directory you can write to") from None
    return path


def ensure_out_file(path: str, option: str = "--out") -> str:
    """The same for an output file: its directory must exist or be creatable, and writable."""
    if os.path.isdir(path):
        raise UsageError(f"{option} {path!r} is a directory, not a file", hint="give a file name")
    ensure_out_dir(os.path.dirname(os.path.abspath(path)), option)
    return path


def parse_settings(items, option: str = "--set") -> dict:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise UsageError(f"{option} {item!r}: expected NAME=VALUE", hint="'imsflow list variants' shows the names")
        k, v = (x.strip() for x in item.split("=", 1))
        if k in out and out[k] != v:
            raise UsageError(f"{option} {k}={out[k]} and {option} {k}={v}: two values for one variant",
                             hint=f"give one (to check both, use imsflow matrix --vary {k})")
        out[k] = v
    return out


def unique(items):
    """A repeated --flow or --property names the same selection: once each, in order."""
    return list(dict.fromkeys(items)) if items else items


def write_atomically(path: str, text: str) -> None:
    """Write via a temporary file so no half-written output is ever passed off as complete."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: str, data: bytes) -> None:
    """A failure (disk full, no permission) is a UsageError naming the file and leaves no temporary."""
    tmp = f"{path}.part"
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise UsageError(f"cannot write {path!r}: {exc.strerror}", hint="check the --out location") from None


def dump_json(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n"
