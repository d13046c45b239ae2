"""The endpoint mapping: which address, port, Via host or User-Agent is which model entity.

    title: SIPp call on the loopback as the S-CSCF - REMOTE leg of F8
    flow: F8                         # the model flow the imported flow is checked against
    preconditions: {after: [F1]}     # as in a flow file (settings, after, wics)
    entities:
      S-CSCF: {address: 127.0.0.1, port: 5061}
      REMOTE:                        # a list: any of these endpoints is the REMOTE
        - {address: 127.0.0.1, port: 5062}
        - {user_agent: "Asterisk*"}  # a glob on User-Agent (requests) / Server (responses)
      P-CSCF: {via: pcscf.ims.example.net}   # the sent-by host of a request's top Via
    sipp: {scenario: S-CSCF, peer: REMOTE}   # for `import sipp`: who runs the scenario, who answers

Every key of one endpoint must match.  `address` and `port` identify both ends of a packet;
`via` and `user_agent` identify only the sender (they are headers it writes), and the
address:port it sent from is then that entity for the rest of the capture.  An endpoint two
entities match is an error; one no entity matches is reported and its messages are skipped.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

import yaml

from ..editors.flowfile import PRE_KEYS, _LineLoader
from ..errors import CaptureError

TOP_KEYS = {"title", "flow", "preconditions", "entities", "sipp"}
ENDPOINT_KEYS = {"address", "port", "via", "user_agent"}


@dataclass
class Endpoint:
    entity: str
    address: str | None = None
    port: int | None = None
    via: str | None = None
    user_agent: str | None = None
    line: int = 0

    def by_address(self, addr: tuple) -> bool:
        """Does a packet end (address, port) match this endpoint's address/port keys alone?"""
        if self.address is None and self.port is None:
            return False
        if self.via is not None or self.user_agent is not None:
            return False
        return self._address_fits(addr)

    def _address_fits(self, addr: tuple) -> bool:
        if self.address is not None and (not addr or addr[0] != self.address):
            return False
        return self.port is None or (len(addr) > 1 and addr[1] == self.port)

    def by_sender(self, addr: tuple, via_host: str, user_agent: str) -> bool:
        """Does the sender of a message (its source address, top Via host, User-Agent) match?"""
        if not self._address_fits(addr):
            return False
        if self.via is not None and via_host.lower() != self.via.lower():
            return False
        return self.user_agent is None or fnmatch.fnmatchcase(user_agent, self.user_agent)


@dataclass
class Mapping:
    path: str
    title: str
    flow: str | None
    preconditions: dict
    endpoints: list  # [Endpoint]
    sipp: dict = field(default_factory=dict)  # {"scenario": entity, "peer": entity}
    model: str | None = None  # set from `imsflow import --model DIR`, written into the flow

    @property
    def entities(self) -> list:
        return sorted({e.entity for e in self.endpoints} | set(self.sipp.values()))

    def sender(self, addr: tuple, via_host: str, user_agent: str, learned: dict) -> str | None:
        hits = {e.entity for e in self.endpoints if e.by_sender(addr, via_host, user_agent)}
        return self._one(hits, addr, learned, "sender")

    def receiver(self, addr: tuple, learned: dict) -> str | None:
        hits = {e.entity for e in self.endpoints if e.by_address(addr)}
        return self._one(hits, addr, learned, "receiver")

    def _one(self, hits: set, addr: tuple, learned: dict, role: str) -> str | None:
        if not hits and addr in learned:
            return learned[addr]
        if len(hits) > 1:
            raise CaptureError(f"the {role} {_show(addr)} matches several entities: {', '.join(sorted(hits))}",
                               where=self.path, hint="make the endpoints distinct (add a port, a Via host)")
        return next(iter(hits), None)


def _show(addr: tuple) -> str:
    return ":".join(str(a) for a in addr) if addr else "?"


def load_mapping(path: str, known_entities) -> Mapping:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_LineLoader)
    except OSError as exc:
        raise CaptureError(f"cannot read mapping file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CaptureError(f"mapping file is not valid YAML: {getattr(exc, 'problem', None) or exc}",
                           where=f"{path}:{mark.line + 1}" if mark else path) from None
    if not isinstance(data, dict):
        raise CaptureError("a mapping file is a mapping with 'entities'", where=f"{path}:1")

    def at(key, mapping=data):
        return f"{path}:{mapping.get('__lines__', {}).get(key, mapping.get('__line__', 1))}"

    for key in data.get("__lines__", {}):
        if key not in TOP_KEYS:
            raise CaptureError(f"unknown key {key!r} in the mapping file", where=at(key), known=sorted(TOP_KEYS))
    known = sorted(known_entities)
    entities = data.get("entities") or {}
    if not isinstance(entities, dict) or not (data.get("sipp") or [k for k in entities if not k.startswith("__")]):
        raise CaptureError("'entities' must map model entity names to endpoints", where=at("entities"),
                           hint="(a mapping for SIPp scenarios only may give just 'sipp: {scenario: ..., peer: ...}')")
    endpoints = []
    for name, spec in entities.items():
        if name.startswith("__"):
            continue
        if name not in known_entities:
            raise CaptureError(f"unknown entity {name!r}", where=at(name, entities), known=known)
        for item in spec if isinstance(spec, list) else [spec]:
            endpoints.append(_endpoint(name, item, path, at(name, entities)))
    sipp = {k: v for k, v in (data.get("sipp") or {}).items() if not k.startswith("__")}
    for role, name in sipp.items():
        if role not in ("scenario", "peer"):
            raise CaptureError(f"unknown key {role!r} in 'sipp'", where=at("sipp"), known=["peer", "scenario"])
        if name not in known_entities:
            raise CaptureError(f"sipp.{role}: unknown entity {name!r}", where=at("sipp"), known=known)
    pre = data.get("preconditions") or {}
    if not isinstance(pre, dict):
        raise CaptureError("'preconditions' must be a mapping (settings, after, wics)", where=at("preconditions"))
    for key in pre.get("__lines__", {}):
        if key not in PRE_KEYS:
            raise CaptureError(f"unknown key {key!r} in 'preconditions'", where=at(key, pre), known=sorted(PRE_KEYS))
    return Mapping(path=path, title=str(data.get("title") or f"imported with {path}"),
                   flow=str(data["flow"]) if data.get("flow") is not None else None,
                   preconditions=_plain(pre), endpoints=endpoints, sipp=sipp)


def _endpoint(name: str, item, path: str, where: str) -> Endpoint:
    if not isinstance(item, dict):
        raise CaptureError(f"{name}: an endpoint is a mapping of {', '.join(sorted(ENDPOINT_KEYS))}", where=where)
    line = item.get("__line__", 0)
    keys = {k: v for k, v in item.items() if not k.startswith("__")}
    for key in keys:
        if key not in ENDPOINT_KEYS:
            raise CaptureError(f"{name}: unknown endpoint key {key!r}", where=f"{path}:{line}",
                               known=sorted(ENDPOINT_KEYS))
    if not keys:
        raise CaptureError(f"{name}: an endpoint needs at least one of {', '.join(sorted(ENDPOINT_KEYS))}",
                           where=f"{path}:{line}")
    port = keys.get("port")
    if port is not None and (not isinstance(port, int) or not 0 < port < 65536):
        raise CaptureError(f"{name}: port {port!r} is not a port number", where=f"{path}:{line}")
    return Endpoint(name, address=_str(keys.get("address")), port=port, via=_str(keys.get("via")),
                    user_agent=_str(keys.get("user_agent")), line=line)


def _str(value):
    return None if value is None else str(value)


def _plain(value):
    """A loaded YAML node without the loader's line bookkeeping, for writing back out."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
