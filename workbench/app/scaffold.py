"""``workbench new-client``: a new client folder from ``templates/client`` with a commented client.yaml."""

from __future__ import annotations

import re
import string
from pathlib import Path

import yaml

from workbench.errors import ConfigError
from workbench.intake.questionnaire import blank_intake
from workbench.resources import client_template_dir

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)
_LEGAL_FORMS = re.compile(r"^(ооо|оао|зао|пао|ао|ип|нко|llc|ltd|inc|gmbh)\s+", re.IGNORECASE)


def slugify(name: str) -> str:
    """A safe folder name: 'ООО «Ромашка»' -> 'romashka'."""
    text = name.strip().casefold()
    text = re.sub(r"[«»\"'“”„]", " ", text).strip()
    text = _LEGAL_FORMS.sub("", text)
    text = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:60].strip("-")


def new_client(name: str, clients_dir: Path | str = "clients", slug: str | None = None) -> Path:
    """Create ``clients_dir/<slug>/`` with client.yaml, intake.yaml, README.md, data/ and reports/."""
    if not name.strip():
        raise ConfigError("new-client", ['NAME: expected the client\'s name, e.g. "ООО Ромашка"'])
    slug = slug or slugify(name)
    if not slug or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", slug):
        raise ConfigError(
            "new-client", [f"slug {slug!r}: expected latin letters, digits and '-' (use --slug)"]
        )
    folder = Path(clients_dir) / slug
    if folder.exists():
        raise ConfigError(str(folder), ["already exists; choose another --slug or remove the folder"])
    template_dir = client_template_dir()
    values = {
        "name": yaml.safe_dump(name, allow_unicode=True).strip().removesuffix("...").strip(),
        "slug": slug,
    }
    (folder / "data").mkdir(parents=True)
    (folder / "reports").mkdir()
    for source in sorted(template_dir.iterdir()):
        if source.is_file():
            text = string.Template(source.read_text(encoding="utf-8")).safe_substitute(values)
            (folder / source.name).write_text(text, encoding="utf-8")
    (folder / "intake.yaml").write_text(blank_intake(), encoding="utf-8")
    return folder
