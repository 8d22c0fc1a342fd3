"""Result dataclasses as JSON data: the generic encoder behind metrics.json.

:func:`encode` turns a result object into JSON-ready data by these rules:

- a dataclass becomes an object with one key per field, in field order, unless the field's metadata
  declares otherwise:

  - ``field(metadata=json_key("name"))`` renames the key; ``json_key("group", "name")`` puts the value
    under ``group``, an object that other fields may add keys to;
  - ``json_key(via=f)`` stores ``f(value)`` instead of the value (not called on None), e.g. ``via=len``;
  - ``json_key(item_keys={"name": "manager"})`` renames keys of the encoded object, or of each object of
    an encoded list;
  - ``field(metadata=json_omit("why"))`` leaves the field out; the reason is required;

- a dataclass may define ``json_derived(self) -> dict[str, object]``: values computed from several fields
  or from properties, added after the fields under the keys it returns;
- a dict becomes an object with string keys, a list or tuple an array, a pydantic model its fields;
- dates, datetimes and timestamps become ISO 8601 text, numpy scalars and Decimals (money to the kopeck)
  Python numbers, NaN and infinities null;
- anything else (a DataFrame, a Series, ...) raises ``TypeError`` naming the field: declare ``via`` or
  omit the field.

How to add a field to a result: add it to the dataclass. It is in metrics.json from then on under its
name; ``tests/render/test_metrics_contract.py`` then names the key to declare in
``schemas/metrics.schema.json`` (and in which object), and the schema's minor version goes up. Give it
``json_key`` metadata to rename, nest or convert it, ``json_omit`` to keep it out (a DataFrame must do one
of the two), or return a derived value from ``json_derived``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

METADATA = "json"


@dataclass(frozen=True)
class Key:
    """Where a field goes in the encoded object and how its value is converted first."""

    path: tuple[str, ...] = ()
    via: Callable[[Any], Any] | None = None
    item_keys: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Omit:
    """A field that is not encoded, and why."""

    reason: str


def json_key(
    *path: str, via: Callable[[Any], Any] | None = None, item_keys: Mapping[str, str] | None = None
) -> dict[str, Key]:
    """Field metadata: the key (or nested key path) of the field, a conversion, renamed item keys."""
    return {METADATA: Key(path, via, item_keys)}


def json_omit(reason: str) -> dict[str, Omit]:
    """Field metadata: leave the field out of the encoded object, for the given reason."""
    if not reason.strip():
        raise ValueError("say why the field is left out")
    return {METADATA: Omit(reason)}


def field_rule(f: dataclasses.Field[Any]) -> Key | Omit:
    """The encoding rule of one dataclass field; a field without metadata keeps its name."""
    rule = f.metadata.get(METADATA, Key())
    if isinstance(rule, Key) and not rule.path:
        rule = dataclasses.replace(rule, path=(f.name,))
    return rule


def encode(value: Any, where: str = "value") -> Any:
    """JSON-ready data of ``value`` by the rules of this module; ``where`` names it in errors."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode_dataclass(value)
    if isinstance(value, Mapping):
        return {str(k): encode(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if hasattr(value, "model_dump"):
        return encode(value.model_dump(), where)
    if isinstance(value, dt.date):  # datetimes and pandas timestamps too
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, Decimal):  # exact money: its shortest float, e.g. 4074.07
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(
        f"{where}: a {type(value).__name__} has no JSON form; give the field "
        "json_key(via=...) or json_omit(reason) metadata (workbench/serialize.py)"
    )


def _encode_dataclass(obj: Any) -> dict[str, Any]:
    name = type(obj).__name__
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        rule = field_rule(f)
        if isinstance(rule, Omit):
            continue
        value = getattr(obj, f.name)
        if rule.via is not None and value is not None:
            value = rule.via(value)
        encoded = encode(value, f"{name}.{f.name}")
        if rule.item_keys:
            encoded = _rename(encoded, rule.item_keys)
        _put(out, rule.path, encoded, f"{name}.{f.name}")
    derive = getattr(obj, "json_derived", None)
    if derive is not None:
        for key, value in derive().items():
            _put(out, (key,), encode(value, f"{name}.json_derived()[{key!r}]"), f"{name}.json_derived()")
    return out


def _rename(value: Any, keys: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return [_rename(v, keys) for v in value]
    if isinstance(value, dict):
        return {keys.get(k, k): v for k, v in value.items()}
    return value


def _put(out: dict[str, Any], path: tuple[str, ...], value: Any, source: str) -> None:
    """Set ``out[path]``, merging objects that several fields fill; a key given twice is an error."""
    *parents, last = path
    for part in parents:
        out = out.setdefault(part, {})
        if not isinstance(out, dict):
            raise ValueError(f"{source}: {part!r} is already a value, not an object")
    if last in out:
        if isinstance(out[last], dict) and isinstance(value, dict) and not out[last].keys() & value.keys():
            out[last].update(value)
            return
        raise ValueError(f"{source}: key {'.'.join(path)!r} is given twice")
    out[last] = value


def frame_rows(frame: Any, cast: Callable[[Any], Any] = int) -> dict[str, dict[str, Any]]:
    """A DataFrame as ``{row label: {column label: cast(value)}}``, e.g. a table of counts."""
    return {str(r): {str(k): cast(v) for k, v in row.items()} for r, row in frame.iterrows()}


def frame_records(frame: Any) -> list[dict[str, Any]]:
    """A DataFrame as a list of row objects, one key per column."""
    return frame.to_dict(orient="records")
