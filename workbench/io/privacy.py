"""Pseudonyms for reports that leave the consultancy (personal data, 152-FZ).

``anonymize_client`` replaces manager and customer names by stable pseudonyms («Менеджер 03»,
«Клиент 0012») in every canonical table, the quarantine and the data-quality examples, so that the
report, metrics.json, quarantine.csv and the executed notebook carry no real name. Columns of the
client's files beyond the canonical ones (contact names, phones, e-mails) and deal titles are dropped.

The key (real name -> number) is kept only in the client folder, in ``anonymization.yaml``; a name keeps
its number across runs and report languages, and new names get the next numbers.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import yaml

from workbench.config import ClientConfig, load_yaml
from workbench.errors import ConfigError
from workbench.io.atomic import write_text
from workbench.io.load import ClientData
from workbench.io.quarantine import HIDDEN, RAW_REASONS, TableReport
from workbench.io.table_rules import NO_MANAGER
from workbench.tables import TABLES, column_names

KEY_FILE = "anonymization.yaml"
LABELS = {
    "ru": {"managers": "Менеджер {n:02d}", "customers": "Клиент {n:04d}"},
    "en": {"managers": "Manager {n:02d}", "customers": "Customer {n:04d}"},
}
# Canonical columns holding a person's or a customer's name, by kind of pseudonym.
NAME_COLUMNS = {
    "manager": "managers",
    "head": "managers",
    "customer_id": "customers",
    "name": "customers",
}
WARNING_KINDS = {
    "roster_without_deals": "managers",
    "manager_not_in_roster": "managers",
    "customer_not_in_list": "customers",
}
HEADER = (
    "# Pseudonyms of `workbench audit --anonymize`: real name -> number. Keep this file in the client\n"
    "# folder and never send it with a report: it turns the pseudonyms back into names.\n"
)


MAX_KEY_BYTES = 256 * 1024 * 1024  # the key names every manager and customer: larger than a client.yaml


class Pseudonyms:
    """The client's key of pseudonyms, loaded from and saved to ``anonymization.yaml``."""

    def __init__(self, path: Path, locale: str):
        if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
            raise ConfigError(str(path), ["points outside the client folder; the key must stay inside it"])
        self.path = path
        self.labels = LABELS[locale]
        loaded = load_yaml(path, MAX_KEY_BYTES) if path.is_file() else None
        loaded = loaded if isinstance(loaded, dict) else {}
        self.key: dict[str, dict[str, int]] = {
            kind: {str(k): int(v) for k, v in (loaded.get(kind) or {}).items()} for kind in self.labels
        }
        self.changed = False

    def label(self, kind: str, name: object) -> object:
        """The pseudonym of ``name`` (missing values and the no-manager mark are left as they are)."""
        if not isinstance(name, str) or name == NO_MANAGER or not name:
            return name
        numbers = self.key[kind]
        if name not in numbers:
            numbers[name] = max(numbers.values(), default=0) + 1
            self.changed = True
        return self.labels[kind].format(n=numbers[name])

    def register(self, kind: str, names: pd.Series) -> None:
        """Number new names in a stable order (alphabetical), before any is labelled."""
        for name in sorted({n for n in names.dropna().unique() if isinstance(n, str)}):
            self.label(kind, name)

    def series(self, kind: str, values: pd.Series) -> pd.Series:
        mapping = {v: self.label(kind, v) for v in values.dropna().unique()}
        return values.map(lambda v: mapping.get(v, v)).astype(values.dtype)

    def save(self) -> None:
        if self.changed:
            body = yaml.safe_dump(self.key, allow_unicode=True, sort_keys=True)
            write_text(self.path, HEADER + body)
            self.changed = False


def anonymize_client(data: ClientData, locale: str) -> ClientData:
    """``data`` with names replaced by pseudonyms everywhere; the key is saved in the client folder."""
    pseudonyms = Pseudonyms(data.client_dir / KEY_FILE, locale)
    for frame in data.tables.values():
        for column, kind in NAME_COLUMNS.items():
            if column in frame:
                pseudonyms.register(kind, frame[column])
    tables = {}
    criteria = list(data.config.abc.segments.column_criteria)  # the customers' own numeric criteria
    for table, frame in data.tables.items():
        keep = column_names(table) + ([c for c in criteria if c in frame] if table == "customers" else [])
        frame = frame[keep].copy()
        if table == "customers" and "name" in frame:
            frame["name"] = frame["customer_id"]
        for column, kind in NAME_COLUMNS.items():
            if column in frame:
                frame[column] = pseudonyms.series(kind, frame[column])
        if "title" in frame:
            frame["title"] = pd.Series(pd.NA, index=frame.index, dtype="string")
        tables[table] = frame
    quarantine = _quarantine(data.quarantine, pseudonyms, data.reports)
    reports = {t: _report(r, pseudonyms) for t, r in data.reports.items()}
    config = _config(data.config, pseudonyms)
    pseudonyms.save()
    return dataclasses.replace(
        data, config=config, tables=tables, reports=reports, quarantine=quarantine, anonymized=True
    )


def _config(config: ClientConfig, pseudonyms: Pseudonyms) -> ClientConfig:
    """The managers named in client.yaml (pay roles, targets set by hand) under their pseudonyms, so that
    the settings still apply to them."""
    target = config.plan.target
    if target.managers:
        managers = {pseudonyms.label("managers", k): v for k, v in target.managers.items()}
        plan = config.plan.model_copy(update={"target": target.model_copy(update={"managers": managers})})
        config = config.model_copy(update={"plan": plan})
    motivation = config.motivation
    if motivation is not None and motivation.manager_roles:
        roles = {pseudonyms.label("managers", k): v for k, v in motivation.manager_roles.items()}
        config = config.model_copy(
            update={"motivation": motivation.model_copy(update={"manager_roles": roles})}
        )
    return config


_EMAIL = re.compile(r"[^\s@]+@[^\s@]+")
_PHONE = re.compile(r"\+?[\d\s()\-]{7,}")


def looks_like_contact(value: str) -> bool:
    """An e-mail address, or a phone number: digits with phone separators only, ten digits or more (or
    seven with a leading +)."""
    text = value.strip()
    if _EMAIL.search(text):
        return True
    digits = sum(ch.isdigit() for ch in text)
    return bool(_PHONE.fullmatch(text)) and (digits >= 10 or (text.startswith("+") and digits >= 7))


_KINDS = {c.name: c.kind for columns in TABLES.values() for c in columns}
_DATE_LIKE = re.compile(r"[\d\s.:/\-T]+")
_NUMBER_LIKE = re.compile(r"[\d\s.,\-+\u00a0₽$€£]+")
_PERSON = re.compile(r"[A-ZА-ЯЁ][a-zа-яё]+(\s+[A-ZА-ЯЁ][a-zа-яё.]+)+")


def masked_cells(cells: object, pseudonyms: Pseudonyms) -> list[list[object]] | None:
    """A row's canonical values as the anonymized tables show them: names as pseudonyms (a value in a name
    column that is no known name, as a shifted row may hold, is hidden). A row with a wrong number of
    fields may put anything under any column, so every other value is shown only when it is what its
    column holds (a date under a date, a number under a number) and is no known name, no e-mail or
    phone and nothing like a person's name; anything else is hidden."""
    if not isinstance(cells, list):
        return None
    names = {name for key in pseudonyms.key.values() for name in key}
    out = []
    for column, value in cells:
        kind = NAME_COLUMNS.get(str(column))
        if kind is not None:
            known = isinstance(value, str) and value in pseudonyms.key[kind]
            value = pseudonyms.label(kind, value) if known else HIDDEN
        elif isinstance(value, str) and not _shown(str(column), value, names):
            value = HIDDEN
        out.append([column, value])
    return out


def _shown(column: str, value: str, names: set[str]) -> bool:
    if value in names or looks_like_contact(value) or _PERSON.fullmatch(value.strip()):
        return False
    kind = _KINDS.get(column)
    if kind == "datetime":
        return bool(_DATE_LIKE.fullmatch(value))
    if kind in {"float", "int"}:
        return bool(_NUMBER_LIKE.fullmatch(value))
    return True


def cells_text(cells: list[list[object]], report: TableReport | None) -> str:
    """``ID: 905; Дата: 01.10.2025; Менеджер: Менеджер 03``: masked values under the file's headers."""
    headers = report.columns if report is not None else {}
    return "; ".join(f"{headers.get(str(c), c)}: {v}" for c, v in cells)


def _quarantine(frame: pd.DataFrame, pseudonyms: Pseudonyms, reports: dict[str, TableReport]) -> pd.DataFrame:
    """Names in quarantined cells become pseudonyms. Whole raw lines and deal titles are hidden: such a
    row is shown by its canonical values, masked (names as pseudonyms, contacts hidden), where known."""
    frame = frame.copy()
    for column, kind in NAME_COLUMNS.items():
        rows = frame["field"] == column
        frame.loc[rows, "value"] = pseudonyms.series(kind, frame.loc[rows, "value"])
    if "cells" in frame:
        frame["cells"] = [masked_cells(c, pseudonyms) for c in frame["cells"]]
    hidden = (frame["reason"].isin(RAW_REASONS) | (frame["field"] == "title")) & frame["value"].notna()
    for index in frame.index[hidden]:
        cells = frame.at[index, "cells"] if "cells" in frame else None
        report = reports.get(str(frame.at[index, "table"]))
        frame.at[index, "value"] = f"{HIDDEN} ({cells_text(cells, report)})" if cells else HIDDEN
    return frame


def _kind(code: str) -> str | None:
    name, _, field = code.partition(":")
    return WARNING_KINDS.get(name) or NAME_COLUMNS.get(field)


def _report(report: TableReport, pseudonyms: Pseudonyms) -> TableReport:
    examples = {}
    for code, items in report.examples.items():
        kind = _kind(code)
        items = [{**e, "cells": masked_cells(e["cells"], pseudonyms)} if "cells" in e else e for e in items]
        if code.partition(":")[0] in RAW_REASONS:
            items = [{**e, "value": HIDDEN} for e in items]
        elif kind is not None:
            items = [_example(e, kind, pseudonyms) for e in items]
        examples[code] = items
    return dataclasses.replace(report, examples=examples)


def _example(example: dict[str, object], kind: str, pseudonyms: Pseudonyms) -> dict[str, object]:
    out = dict(example)
    for key in ("value", "hint"):
        if out.get(key) and "variants" not in out:
            out[key] = pseudonyms.label(kind, out[key])
    if "variants" in out:
        variants = [[pseudonyms.label(kind, name), count] for name, count in out["variants"]]  # type: ignore[union-attr]
        out["variants"] = variants
        out["value"] = " / ".join(f"{name} ({count})" for name, count in variants)
    return out
