"""Where the project's non-Python files are: templates, schemas and notebooks.

In a source checkout (an editable install) they sit at the repository's top level; a wheel carries
copies inside the package as ``workbench/_templates``, ``_schemas`` and ``_notebooks``.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def project_dir(name: str) -> Path:
    """The ``templates``, ``schemas`` or ``notebooks`` folder."""
    bundled = PACKAGE_DIR / f"_{name}"
    if bundled.is_dir():
        return bundled
    return REPO_ROOT / name


def templates_dir() -> Path:
    return project_dir("templates")


def nbconvert_templates_dir() -> Path:
    return templates_dir() / "nbconvert"


def client_template_dir() -> Path:
    return templates_dir() / "client"


def schema_path(name: str = "metrics.schema.json") -> Path:
    return project_dir("schemas") / name


def notebook_path(name: str = "audit.ipynb") -> Path:
    return project_dir("notebooks") / name


def preset_names() -> list[str]:
    """The export presets shipped with the package (one YAML file each, named as the preset), sorted, the
    generic one last (as :func:`workbench.io.presets.presets` tries them)."""
    names = sorted(path.stem for path in (PACKAGE_DIR / "io" / "presets").glob("*.yaml"))
    return sorted(names, key=lambda name: name == "generic")
