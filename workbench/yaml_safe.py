"""A YAML loader for client.yaml (and the anonymization key) that refuses what they never need.

On top of ``yaml.SafeLoader`` (no tags that build objects): aliases (``*name``, the way to a
billion-laughs bomb) are refused, nesting is capped, and a key given twice in one mapping is an error
that names both lines instead of the last one silently winning.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node

from workbench.cache import parsed
from workbench.limits import MAX_YAML_DEPTH


class GuardedLoader(yaml.SafeLoader):
    """SafeLoader without aliases, with a nesting limit and with duplicate keys refused."""

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        """Compose one node, refusing aliases and nesting deeper than :data:`MAX_YAML_DEPTH`."""
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="an alias (*name) is not allowed; write the value out in full",
                problem_mark=event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                event = self.peek_event()
                raise yaml.MarkedYAMLError(
                    problem=f"lists or mappings nested more than {MAX_YAML_DEPTH} levels deep",
                    problem_mark=event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping whose keys are all different; a repeated key names both of its lines."""
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # reported by the base class as an unhashable key
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"the key {key!r} is given twice, on lines {seen[key]} and {line}; keep one",
                    problem_mark=key_node.start_mark,
                )
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def guarded_load(text: str) -> Any:
    """Parse ``text`` with :class:`GuardedLoader`."""
    loader = GuardedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


# libyaml's parser when PyYAML was built with it: 10 times faster than the pure-Python one, same result.
_PACKAGED_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_packaged(text: str) -> Any:
    """Parse YAML shipped with the package (message catalogues, the questionnaire, the presets): safe
    tags only, as ``yaml.safe_load``; loading them is part of every audit's start, so the result is kept
    (see :mod:`workbench.cache`)."""
    return parsed(text, _parse_packaged)


def _parse_packaged(text: str) -> Any:
    return yaml.load(text, Loader=_PACKAGED_LOADER)


__all__ = ["ConstructorError", "GuardedLoader", "guarded_load", "load_packaged"]
