"""Declarative properties: their specification, their binding to monitors, and verdicts."""

from .spec import KINDS, Property, load_properties
from .verdict import ExitCode, Result, Verdict

__all__ = ["KINDS", "Property", "load_properties", "ExitCode", "Result", "Verdict"]
