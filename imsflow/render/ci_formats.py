"""Verdicts in the formats CI systems read natively: JUnit XML and SARIF 2.1.0.

Both take a run of `imsflow check` (pipeline.Run) or of `imsflow matrix` (workflow.MatrixRun):
anything with `.results` (patterns.verdict.Result), `.loaded` and `.stats`.

JUnit: one test suite per flow, one test case per property x flow x variant.  A verdict as
expected passes (an expected finding passes too, and says so in its system-out); an unexpected
violation, a vacuous verdict or an expected finding no longer found is a <failure> carrying the
trace; an inconclusive verdict is an <error> (the search was cut short: nothing was decided).

SARIF: one rule per property (its statement and seed clause), one result per finding
(violated, vacuous, inconclusive).  The location is the seed clause (a logical location) and
the property's definition in properties/*.yaml (a physical one, so code-scanning UIs can open
it); the trace is a code flow whose steps carry the global state.  An expected finding is
reported with an external, accepted suppression whose justification is the expectation's
reason, so it stays visible without failing the scan.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
import xml.etree.ElementTree as ET

from .. import __version__
from ..patterns.verdict import Verdict

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


# ---- shared helpers --------------------------------------------------------------------------
def _model_name(run) -> str:
    return run.loaded.model.name


def variant_label(run, r) -> str:
    """The variant values of `r` that differ from the model's defaults and are not fixed by its
    flow: what distinguishes this configuration ('defaults' when nothing does)."""
    model = run.loaded.model
    fixed = model.flows[r.flow].fixes if r.flow in model.flows else {}
    parts = []
    for name, value in sorted((r.variant or {}).items()):
        variant = model.variants.get(name)
        if variant is not None and variant.default != value and fixed.get(name) != value:
            parts.append(f"{name}={value}")
    if getattr(r, "wics", 1) != 1:
        parts.append(f"wics={r.wics}")
    return " ".join(parts) or "defaults"


def trace_text(run, r) -> str:
    """The numbered trace of a result: the matrix keeps it as text, a check run keeps the Trace
    and its system, and a bare result falls back to its JSON entries."""
    text = getattr(r, "listing", "")
    if text:
        return text
    traces, systems = getattr(run, "traces", {}), getattr(run, "systems", {})
    trace, ts = traces.get((r.property, r.flow)), systems.get(r.flow)
    if trace is not None and ts is not None and trace.actions:
        from ..system.trace import listing

        return listing(ts, trace)
    return "\n".join(_entry_text(e) for e in r.trace)


def _entry_text(e: dict) -> str:
    step = f"[{e['step']}] " if e.get("step") else ""
    mark = ">>" if e.get("violation") else "  "
    return f"{mark}{e.get('action', '?'):>3}. {step}{e.get('from')} -> {e.get('to')}: {e.get('label', e.get('message'))}"


def _outcome(r) -> str:
    """'pass' | 'failure' | 'error' for JUnit."""
    if r.verdict is Verdict.INCONCLUSIVE:
        return "error"
    return "pass" if r.as_expected else "failure"


# ---- JUnit -----------------------------------------------------------------------------------
def junit(run) -> str:
    model = _model_name(run)
    groups: dict = {}
    for r in run.results:
        groups.setdefault(r.flow, []).append(r)
    # A (flow, variant) exploration decides all its properties at once: share its time out.
    shares: dict = {}
    for r in run.results:
        key = (r.flow, tuple(sorted((r.variant or {}).items())), getattr(r, "wics", 1))
        shares[key] = shares.get(key, 0) + 1
    root = ET.Element("testsuites", name=f"imsflow {model}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    host = socket.gethostname() or "localhost"
    for i, (flow, results) in enumerate(groups.items()):
        suite = ET.SubElement(root, "testsuite", name=f"{model}.{flow or 'model'}")
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="model", value=model)
        ET.SubElement(props, "property", name="flow", value=str(flow))
        if flow in run.loaded.model.flows:
            f = run.loaded.model.flows[flow]
            ET.SubElement(props, "property", name="flow.title", value=f.title)
            ET.SubElement(props, "property", name="flow.clause", value=f.clause)
        counts = {"tests": 0, "failures": 0, "errors": 0, "time": 0.0}
        for r in results:
            key = (r.flow, tuple(sorted((r.variant or {}).items())), getattr(r, "wics", 1))
            seconds = float(r.stats.get("seconds", 0.0)) / shares[key]
            label = variant_label(run, r)
            case = ET.SubElement(suite, "testcase", name=f"{r.property} [{label}]",
                                 classname=f"imsflow.{model}.{flow or 'model'}", time=f"{seconds:.3f}")
            outcome = _outcome(r)
            counts["tests"] += 1
            counts["time"] += seconds
            trace = trace_text(run, r) if r.trace else ""
            if outcome == "failure":
                counts["failures"] += 1
                if r.verdict is Verdict.HOLDS:
                    message = f"expected finding no longer found: {r.statement}"
                else:
                    message = f"{r.verdict.value} (expected {r.expected}): {r.statement}"
                node = ET.SubElement(case, "failure", message=message, type=r.verdict.value)
                node.text = "\n".join(x for x in (r.reason and f"why: {r.reason}", trace,
                                                   r.replay and f"replay: {r.replay}") if x)
            elif outcome == "error":
                counts["errors"] += 1
                node = ET.SubElement(case, "error", message=f"inconclusive: {r.reason}", type="inconclusive")
                node.text = r.replay and f"replay: {r.replay}"
            out = [r.statement, f"seed clause: {r.clause}", f"verdict: {r.verdict.value} (expected {r.expected})"]
            if r.verdict is Verdict.VIOLATED and r.as_expected:
                out.append(f"expected finding: {r.reason}")
                if trace:
                    out.append(trace)
            if r.replay:
                out.append(f"replay: {r.replay}")
            ET.SubElement(case, "system-out").text = "\n".join(out)
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failures"]))
        suite.set("errors", str(counts["errors"]))
        suite.set("skipped", "0")
        suite.set("time", f"{counts['time']:.3f}")
        suite.set("timestamp", stamp)
        suite.set("hostname", host)
        suite.set("id", str(i))
        suite.set("package", f"imsflow.{model}")
        for k in ("tests", "failures", "errors"):
            totals[k] += counts[k]
        totals["time"] += counts["time"]
    for k in ("tests", "failures", "errors"):
        root.set(k, str(totals[k]))
    root.set("time", f"{totals['time']:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ---- SARIF -----------------------------------------------------------------------------------
def _rule(prop) -> dict:
    rule = {
        "id": prop.id,
        "name": "".join(w.capitalize() for w in prop.id.replace("_", "-").split("-")),
        "shortDescription": {"text": prop.statement},
        "fullDescription": {"text": f"{prop.statement} (seed clause {prop.clause}; kind {prop.kind})"},
        "help": {"text": f"Property {prop.id} ({prop.kind}) from seed clause {prop.clause}: {prop.statement}"},
        "defaultConfiguration": {"level": "error"},
        "properties": {"kind": prop.kind, "clause": prop.clause, "tags": ["imsflow", prop.kind]},
    }
    if prop.expected:
        rule["properties"]["expected"] = [
            {"when": rule_["when"], "verdict": rule_["verdict"], "reason": rule_.get("reason", "")}
            for rule_ in prop.expected
        ]
    return rule


def _physical(source: str) -> dict | None:
    """properties/x.yaml:12 -> a SARIF physicalLocation relative to the working directory."""
    if not source or ":" not in source:
        return None
    path, _, line = source.rpartition(":")
    loc = {"artifactLocation": {"uri": path.replace(os.sep, "/")}}
    if os.path.isabs(path) or path.startswith(".."):
        loc["artifactLocation"] = {"uri": "file://" + os.path.abspath(path).replace(os.sep, "/")}
    else:
        loc["artifactLocation"]["uriBaseId"] = "SRCROOT"
    if line.isdigit() and int(line) >= 1:
        loc["region"] = {"startLine": int(line)}
    return loc


def _thread_flow(run, r) -> dict:
    locations = []
    for k, e in enumerate(r.trace):
        text = _entry_text(e).strip()
        loc = {
            "location": {
                "message": {"text": text},
                "logicalLocations": [{"name": str(e.get("entity") or e.get("from")), "kind": "entity"}],
            },
            "executionOrder": k + 1,
            "nestingLevel": 0,
            "importance": "essential" if e.get("violation") else "important",
        }
        if e.get("state"):
            state = {}
            for name, value in e["state"].items():
                if name == "channels":
                    for chan, msgs in value.items():
                        state[f"channel {chan}"] = {"text": ", ".join(msgs)}
                else:
                    state[name] = {"text": str(value)}
            loc["state"] = state
        locations.append(loc)
    return {"locations": locations}


def _level(r) -> str:
    if r.verdict is Verdict.VIOLATED:
        return "error"
    return "warning"  # vacuous, inconclusive


def sarif(run) -> dict:
    loaded = run.loaded
    props = {p.id: p for p in loaded.properties}
    used = list(dict.fromkeys(r.property for r in run.results))
    rules = [_rule(props[pid]) for pid in used if pid in props]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for r in run.results:
        if r.verdict is Verdict.HOLDS and r.as_expected:
            continue
        label = variant_label(run, r)
        where = f"flow {r.flow}" if r.flow else "the model"
        if r.verdict is Verdict.HOLDS:
            what = f"expected finding no longer found on {where} [{label}]"
        else:
            what = f"{r.verdict.value} on {where} [{label}]"
        text = f"{r.property}: {what}. {r.statement} (seed clause {r.clause})"
        if r.reason:
            text += f" Why: {r.reason}."
        if r.replay:
            text += f" Replay: {r.replay}"
        location = {
            "logicalLocations": [{"name": r.clause, "fullyQualifiedName": f"seed clause {r.clause}", "kind": "section"}],
            "message": {"text": f"seed clause {r.clause}"},
        }
        prop = props.get(r.property)
        physical = _physical(prop.source if prop else "")
        if physical:
            location["physicalLocation"] = physical
        digest = hashlib.sha256(repr((r.property, r.flow, sorted((r.variant or {}).items()), r.wics)).encode()).hexdigest()
        result = {
            "ruleId": r.property,
            "kind": "fail",
            "level": "error" if not r.as_expected and r.verdict is Verdict.HOLDS else _level(r),
            "message": {"text": text},
            "locations": [location],
            "partialFingerprints": {"imsflowConfiguration/v1": digest[:32]},
            "properties": {"flow": r.flow, "variant": r.variant, "wics": r.wics, "verdict": r.verdict.value,
                           "expected": r.expected, "replay": r.replay},
        }
        if r.property in index:
            result["ruleIndex"] = index[r.property]
        if r.trace:
            result["codeFlows"] = [{"message": {"text": f"trace of {r.property} on {where}"},
                                    "threadFlows": [_thread_flow(run, r)]}]
        if r.verdict is Verdict.VIOLATED and r.as_expected:
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": r.reason or "an expected finding of the seed"}]
        results.append(result)
    code = int(run.exit_code)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "imsflow", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "invocations": [{"executionSuccessful": code in (0, 1, 3), "exitCode": code}],
            "originalUriBaseIds": {"SRCROOT": {"uri": "file://" + os.getcwd().replace(os.sep, "/").rstrip("/") + "/"}},
            "automationDetails": {"id": f"imsflow/{_model_name(run)}/"},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"model": _model_name(run), "stats": dict(run.stats)},
        }],
    }
