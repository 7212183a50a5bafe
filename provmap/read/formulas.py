"""Formulas are never trusted, but a formula of plain numbers can be recomputed.

Staff sometimes type `=18.5*1.3` for an hourly cost with on-costs, or `=3*12` for weeks.
Such a formula's inputs are all in the formula, so provmap works it out itself instead of
trusting a cached result (a file written by a program has none).  Anything that refers to
a cell, a name or a function is left alone and reported by the reader.
"""

from __future__ import annotations

import ast
import operator

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
        ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg,
        ast.UAdd: operator.pos}


def evaluate_constant(formula: str) -> float | None:
    """The value of a formula made only of numbers, brackets and + - * / ^; else None."""
    text = formula.lstrip("=").strip().replace("^", "**")
    if not text or len(text) > 200 or any(c.isalpha() or c in "$!:\"'" for c in text):
        return None
    try:
        tree = ast.parse(text, mode="eval")
        value = _eval(tree.body, depth=0)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError, TypeError, RecursionError):
        return None
    return float(value)


def _eval(node: ast.AST, depth: int) -> float:
    if depth > 30:
        raise ValueError("too deep")
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _eval(node.left, depth + 1), _eval(node.right, depth + 1)
        if isinstance(node.op, ast.Pow) and abs(right) > 10:
            raise ValueError("power too large")
        return _OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_eval(node.operand, depth + 1))
    raise ValueError("not a constant expression")
