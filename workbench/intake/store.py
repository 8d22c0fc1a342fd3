"""Read and write a client's ``intake.yaml`` (the form and the XLSX import save through here)."""

from __future__ import annotations

from pathlib import Path

from workbench.config import load_yaml
from workbench.intake.answers import IntakeAnswers, dump_intake, empty_answers, parse_intake
from workbench.io.atomic import write_text
from workbench.io.load import INTAKE_FILE


def intake_path(client_dir: Path | str) -> Path:
    return Path(client_dir) / INTAKE_FILE


def load_answers(client_dir: Path | str) -> IntakeAnswers:
    """The client's answers (either format); no file means no answer yet."""
    path = intake_path(client_dir)
    if not path.exists():
        return empty_answers()
    return parse_intake(load_yaml(path), str(path))


def save_answers(client_dir: Path | str, answers: IntakeAnswers, locale: str = "ru") -> Path:
    """Write the answers atomically in the current format."""
    return write_text(intake_path(client_dir), dump_intake(answers, locale))
