"""Argument helpers shared by the subcommands."""

from __future__ import annotations

import json
import os

from ..errors import UsageError


def add_model_arg(p) -> None:
    p.add_argument("--model", metavar="DIR", default=None,
                   help="model directory (holding model/ and properties/); default: the built-in seed model")


def add_config_args(p, *, wics_default: int = 1) -> None:
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], dest="settings",
                   help="a variant setting (see 'imsflow list variants'); repeatable")
    p.add_argument("--wics", type=int, default=wics_default, metavar="N", help="number of WICs (default 1)")


def parse_settings(items) -> dict:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise UsageError(f"--set {item!r}: expected NAME=VALUE")
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out


def write_atomically(path: str, text: str) -> None:
    """Write via a temporary file so no half-written output is ever passed off as complete."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: str, data: bytes) -> None:
    tmp = f"{path}.part"
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def dump_json(obj) -> str:
    return json.dumps(obj, indent=2, sort_keys=False, default=str) + "\n"
