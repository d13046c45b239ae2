"""Entities + channels + properties -> one TransitionSystem."""

from .compile import compile_model

__all__ = ["compile_model"]
