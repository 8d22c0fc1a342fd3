"""Compare a metrics.json document with the keys its JSON Schema declares, naming what to add where."""

from __future__ import annotations

import re
from typing import Any

_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


def schema_gaps(document: Any, schema: dict[str, Any]) -> list[str]:
    """Keys of ``document`` that the schema does not declare and required keys it lacks, one line each
    (array positions written ``[]``, each gap once)."""
    gaps: dict[str, str] = {}
    _walk(document, schema, "", "#", schema, gaps)
    return list(gaps.values())


def _walk(
    value: Any, node: dict[str, Any], path: str, pointer: str, root: dict[str, Any], gaps: dict[str, str]
) -> None:
    while "$ref" in node:
        pointer = node["$ref"]
        node = root
        for part in pointer.removeprefix("#/").split("/"):
            node = node[part]
    where = re.sub(r"\[\d+\]", "[]", path) or "(document)"
    if isinstance(value, dict):
        properties = node.get("properties")
        extra = node.get("additionalProperties")
        for key in node.get("required", []):
            if key not in value:
                gaps.setdefault(f"{pointer}/required/{key}", f"{where}: required key {key!r} is missing")
        if extra is True:
            return  # declared free-form, e.g. run.parameters
        for key, item in value.items():
            if properties and key in properties:
                _walk(item, properties[key], f"{path}.{key}", f"{pointer}/properties/{key}", root, gaps)
            elif isinstance(extra, dict):
                _walk(item, extra, f"{path}.{key}", f"{pointer}/additionalProperties", root, gaps)
            else:
                gaps.setdefault(
                    f"{pointer}/properties/{key}",
                    f"{where}.{key}: not in the schema; declare {key!r} in {pointer}/properties"
                    f" (its value here is {_kind(item)})"
                    + ("" if properties else f", or {pointer}/additionalProperties if its keys are data"),
                )
    elif isinstance(value, list):
        items = node.get("items")
        for i, item in enumerate(value):
            if isinstance(items, dict):
                _walk(item, items, f"{path}[{i}]", f"{pointer}/items", root, gaps)
            elif isinstance(item, dict | list):
                gaps.setdefault(f"{pointer}/items", f"{where}: declare its items in {pointer}/items")


def _kind(value: Any) -> str:
    return "null" if value is None else _TYPES.get(type(value), type(value).__name__)
