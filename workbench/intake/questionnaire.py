"""The blank ``intake.yaml`` a new client folder starts with (every question, no answer)."""

from __future__ import annotations

from workbench.intake.answers import dump_intake, empty_answers


def blank_intake(locale: str = "ru") -> str:
    """intake.yaml with every layer's questions and empty answers."""
    return dump_intake(empty_answers(), locale)
