"""Formulas written once, run in two places: in Python on numbers, and in the report's page as Vega
expressions.

A formula is an ordinary Python function over its inputs that uses the operators ``+ - * /``, the
comparisons and the functions of this module (:func:`maximum`, :func:`minimum`, :func:`where`,
:func:`kopecks`). Called with numbers (``Decimal`` or ``float``) it computes the value; called with
:func:`var` inputs it builds an :class:`Expr` tree that :func:`to_vega` writes as a Vega expression. The
pay model (:mod:`workbench.analysis.pay`) and the plan scenario (:mod:`workbench.analysis.scenario`) are
written this way, so the live what-if in the HTML report and the Python model cannot drift apart.

A formula names its intermediate values through a :class:`Steps` recorder (``steps.let("share", x)``):
with numbers it returns the value, with expressions it records a named step and returns a reference to it,
which keeps the generated expressions short and readable.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Number = Decimal | float | int

KOPECK = Decimal("0.01")


class Expr:
    """A node of a symbolic formula: an operator and its arguments (numbers or other nodes)."""

    __slots__ = ("args", "op")

    def __init__(self, op: str, *args: Any):
        self.op, self.args = op, args

    def __add__(self, other: Value) -> Value:
        return self if _is(other, 0) else Expr("+", self, other)

    def __radd__(self, other: Value) -> Value:
        return self if _is(other, 0) else Expr("+", other, self)

    def __sub__(self, other: Value) -> Value:
        return self if _is(other, 0) else Expr("-", self, other)

    def __rsub__(self, other: Value) -> Expr:
        return Expr("-", other, self)

    def __mul__(self, other: Value) -> Value:
        return self if _is(other, 1) else Expr("*", self, other)

    def __rmul__(self, other: Value) -> Value:
        return self if _is(other, 1) else Expr("*", other, self)

    def __truediv__(self, other: Value) -> Expr:
        return Expr("/", self, other)

    def __rtruediv__(self, other: Value) -> Expr:
        return Expr("/", other, self)

    def __neg__(self) -> Expr:
        return Expr("-", 0, self)

    def __ge__(self, other: Value) -> Expr:  # type: ignore[override]
        return Expr(">=", self, other)

    def __gt__(self, other: Value) -> Expr:  # type: ignore[override]
        return Expr(">", self, other)

    def __le__(self, other: Value) -> Expr:  # type: ignore[override]
        return Expr("<=", self, other)

    def __lt__(self, other: Value) -> Expr:  # type: ignore[override]
        return Expr("<", self, other)

    def __bool__(self) -> bool:
        raise TypeError("a symbolic value has no truth value here: write the choice with where()")

    def __repr__(self) -> str:
        return f"Expr({to_vega(self)})"


Value = Expr | Number


def _is(value: object, number: int) -> bool:
    """Whether ``value`` is the plain number ``number`` (so that ``x + 0`` and ``x * 1`` stay ``x``)."""
    return not isinstance(value, Expr | bool) and value == number


def var(name: str) -> Expr:
    """An input of the formula: in the page, the value of the slider (Vega signal) called ``name``."""
    if not name.isidentifier():
        raise ValueError(f"a formula input needs a plain identifier as its name, got {name!r}")
    return Expr("var", name)


def field(name: str) -> Expr:
    """A column of the row the formula is evaluated on (``datum.name`` in Vega)."""
    if not name.isidentifier():
        raise ValueError(f"a field needs a plain identifier as its name, got {name!r}")
    return Expr("field", name)


def symbolic(*values: Any) -> bool:
    """Whether any of ``values`` is a symbolic expression."""
    return any(isinstance(v, Expr) for v in values)


def maximum(*values: Value) -> Value:
    """The largest of ``values``."""
    return Expr("max", *values) if symbolic(*values) else max(values)  # type: ignore[type-var]


def minimum(*values: Value) -> Value:
    """The smallest of ``values``."""
    return Expr("min", *values) if symbolic(*values) else min(values)  # type: ignore[type-var]


def where(condition: Any, then: Value, otherwise: Value) -> Value:
    """``then`` when ``condition`` holds, else ``otherwise``."""
    if symbolic(condition, then, otherwise):
        return Expr("?", condition, then, otherwise)
    return then if condition else otherwise


def equals(left: Value, right: Value) -> Any:
    """``left == right`` (a symbolic comparison when either side is symbolic)."""
    return Expr("==", left, right) if symbolic(left, right) else left == right


def kopecks(value: Value) -> Value:
    """An amount rounded half up to the kopeck (in the page: to the nearest kopeck in floating point)."""
    if isinstance(value, Expr):
        return Expr("kopecks", value)
    if isinstance(value, Decimal):
        return value.quantize(KOPECK, rounding=ROUND_HALF_UP)
    return float(Decimal(str(value)).quantize(KOPECK, rounding=ROUND_HALF_UP))


class Steps:
    """Names the intermediate values of a formula.

    With numbers (``record=False``) :meth:`let` returns the value itself. With expressions it records
    ``(name, expression)`` in order and returns a reference to the step: a ``field`` (a column computed
    on each row, ``as_fields=True``) or a ``var`` (a page-wide value)."""

    def __init__(self, prefix: str = "", *, as_fields: bool = False):
        self.prefix, self.as_fields = prefix, as_fields
        self.recorded: list[tuple[str, Expr]] = []

    def let(self, name: str, value: Value) -> Value:
        """Name ``value``; returns what later steps should use."""
        if not isinstance(value, Expr):
            return value
        full = f"{self.prefix}{name}"
        if any(n == full for n, _ in self.recorded):
            raise ValueError(f"formula step {full!r} named twice")
        self.recorded.append((full, value))
        return field(full) if self.as_fields else var(full)

    def scoped(self, prefix: str) -> Steps:
        """A recorder writing into the same list with a longer name prefix."""
        child = Steps(self.prefix + prefix, as_fields=self.as_fields)
        child.recorded = self.recorded
        return child


_INFIX = {"+", "-", "*", "/", ">=", ">", "<=", "<", "=="}


def _number(value: Number) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
    elif isinstance(value, int):
        text = str(value)
    else:
        text = repr(float(value))
    return text if not text.startswith("-") else f"({text})"


def to_vega(value: Value, rename: Callable[[str], str] | None = None) -> str:
    """The Vega expression of a formula; ``rename`` maps input names to signal names."""
    if not isinstance(value, Expr):
        return _number(value)
    op, args = value.op, value.args
    if op == "var":
        return rename(args[0]) if rename else args[0]
    if op == "field":
        return f"datum.{args[0]}"
    parts = [to_vega(a, rename) for a in args]
    if op in _INFIX:
        return f"({parts[0]} {'===' if op == '==' else op} {parts[1]})"
    if op == "?":
        return f"({parts[0]} ? {parts[1]} : {parts[2]})"
    if op in ("max", "min"):
        return f"{op}({', '.join(parts)})"
    if op == "kopecks":
        return f"(round({parts[0]} * 100) / 100)"
    raise ValueError(f"unknown operator {op!r}")


def evaluate(value: Value, inputs: dict[str, Number], steps: dict[str, Number] | None = None) -> Number:
    """The number a symbolic formula gives for ``inputs`` (by name) in float arithmetic, as the page
    computes it; ``steps`` holds values of named steps (fields) already computed."""
    if not isinstance(value, Expr):
        return float(value) if isinstance(value, Decimal) else value
    op, args = value.op, value.args
    if op == "var":
        return inputs[args[0]] if args[0] in inputs else (steps or {})[args[0]]
    if op == "field":
        return (steps or {})[args[0]]
    got = [evaluate(a, inputs, steps) for a in args]
    match op:
        case "+":
            return got[0] + got[1]
        case "-":
            return got[0] - got[1]
        case "*":
            return got[0] * got[1]
        case "/":
            return got[0] / got[1]
        case ">=":
            return got[0] >= got[1]
        case ">":
            return got[0] > got[1]
        case "<=":
            return got[0] <= got[1]
        case "<":
            return got[0] < got[1]
        case "==":
            return got[0] == got[1]
        case "?":
            return got[1] if got[0] else got[2]
        case "max":
            return max(got)
        case "min":
            return min(got)
        case "kopecks":
            return _js_round(got[0] * 100) / 100
    raise ValueError(f"unknown operator {op!r}")


def _js_round(x: float) -> float:
    """JavaScript's Math.round: halves go up (towards +infinity)."""
    return float(math.floor(x + 0.5))
