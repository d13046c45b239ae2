"""A guard as a state chart names it: words, never Python.

A named guard is its name in words (`_client_digest` -> "client digest").  A lambda is read
from its source with `ast` (the lambda is found by the line and column its code starts at,
so two lambdas on one line are told apart) and said in words: `e.msg.cred == "password"` ->
"cred = password", `not _ringing(e)` -> "not ringing", `not (a and b)` -> "not a or not b",
`e.v.next == POOL[-1]` -> "next = last of POOL".  What has no words here (a lambda whose
source is not at hand, an expression of another kind) is "condition at <file>:<line>".
"""

from __future__ import annotations

import ast
import functools
import linecache
import os

_COMPARE = {ast.Eq: "=", ast.NotEq: "not", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
            ast.In: "in", ast.NotIn: "not in"}
_NEGATED = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Lt: ast.GtE,
            ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt}


class _NoWords(Exception):
    """An expression this module cannot say in words."""


def words(name: str) -> str:
    """An identifier in words: '_client_digest' -> 'client digest'."""
    return " ".join(name.replace("_", " ").split())


def guard_text(fn) -> str:
    """A guard (a method name, a named function or a lambda) as a state chart shows it."""
    if isinstance(fn, str):
        return words(fn)
    name = getattr(fn, "__name__", "")
    if name and name != "<lambda>":
        return words(name)
    code = getattr(fn, "__code__", None)
    if code is None:
        return "condition"
    where = f"condition at {os.path.basename(code.co_filename)}:{code.co_firstlineno}"
    node = _lambda_node(code)
    if node is None:
        return where
    try:
        return _say(node.body, node.args.args[0].arg if node.args.args else "")
    except _NoWords:
        return where


def readable_condition(expr: str, arg: str = "e") -> str:
    """A Python condition over the entity `arg` in words: "e.msg.cred == 'password'" ->
    "cred = password"."""
    return _say(ast.parse(expr.strip(), mode="eval").body, arg)


@functools.lru_cache(maxsize=64)
def _tree(filename: str):
    try:
        return ast.parse("".join(linecache.getlines(filename)))
    except (SyntaxError, ValueError):
        return None


def _lambda_node(code):
    tree = _tree(code.co_filename)
    if tree is None:
        return None
    here = [n for n in ast.walk(tree) if isinstance(n, ast.Lambda) and n.lineno == code.co_firstlineno]
    if len(here) <= 1:
        return here[0] if here else None
    starts = [(ln, col) for ln, _, col, end in code.co_positions()  # (RESUME is at column 0, 0)
              if ln is not None and col is not None and (col, end) != (0, 0)]
    body = min(starts) if starts else None
    return next((n for n in here if (n.body.lineno, n.body.col_offset) == body), None)


def _say(node, arg: str) -> str:
    return " ".join(_words(node, arg).split())


def _words(node, arg: str) -> str:
    if isinstance(node, ast.BoolOp):
        joint = " and " if isinstance(node.op, ast.And) else " or "
        return joint.join(_part(v, arg, type(node.op)) for v in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _negated(node.operand, arg)
    if isinstance(node, ast.Compare):
        out = _words(node.left, arg)
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.Is, ast.IsNot)) and _is_none(right):
                out += " unset" if isinstance(op, ast.Is) else " set"
                continue
            if type(op) not in _COMPARE:
                raise _NoWords
            out += f" {_COMPARE[type(op)]} {_words(right, arg)}"
        return out
    if isinstance(node, ast.Attribute):
        return words(node.attr)
    if isinstance(node, ast.Name):
        if node.id == arg:
            raise _NoWords
        return words(node.id)
    if isinstance(node, ast.Constant):
        return "unset" if node.value is None else words(str(node.value))
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return "{" + ", ".join(_words(e, arg) for e in node.elts) + "}"
    if isinstance(node, ast.Subscript) and isinstance(node.slice, (ast.Constant, ast.UnaryOp)):
        index = ast.literal_eval(node.slice)
        which = {0: "first", -1: "last"}.get(index)
        if which is None:
            raise _NoWords
        return f"{which} of {_words(node.value, arg)}"
    if isinstance(node, ast.Call):
        said = [_words(node.func, arg)]
        said += [_words(a, arg) for a in node.args if not _of_entity(a, arg)]
        return " ".join(said)
    raise _NoWords


def _part(node, arg: str, op) -> str:
    """One operand of an and/or: bracketed when it says the other kind of chain (`not (a and
    b)` says "not a or not b")."""
    chain = type(node.op) if isinstance(node, ast.BoolOp) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and isinstance(node.operand, ast.BoolOp):
        chain = ast.Or if isinstance(node.operand.op, ast.And) else ast.And
    text = _words(node, arg)
    return f"({text})" if chain is not None and chain is not op else text


def _negated(node, arg: str) -> str:
    """`not node` in words: a chain by De Morgan, a comparison turned round, else "not x"."""
    if isinstance(node, ast.BoolOp):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return _words(ast.BoolOp(op=other, values=[ast.UnaryOp(op=ast.Not(), operand=v) for v in node.values]), arg)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _words(node.operand, arg)
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _NEGATED:
        return _words(ast.Compare(left=node.left, ops=[_NEGATED[type(node.ops[0])]()],
                                  comparators=node.comparators), arg)
    return "not " + _words(node, arg)


def _is_none(node) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _of_entity(node, arg: str) -> bool:
    """`e`, `e.msg`, `e.config`: the entity or a part of it, passed along (not a word)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id == arg
