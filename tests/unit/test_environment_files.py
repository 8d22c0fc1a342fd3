"""environment.yml (conda users) and pyproject.toml (pip) must list the same runtime packages."""

import re
import tomllib

import yaml


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject(repo):
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    pip_deps = dict(_name_and_spec(r) for r in pyproject["project"]["dependencies"])
    env = yaml.safe_load((repo / "environment.yml").read_text(encoding="utf-8"))
    conda_deps = dict(
        _name_and_spec(d)
        for d in env["dependencies"]
        if isinstance(d, str) and not d.startswith(("python", "pip"))
    )
    assert conda_deps == pip_deps
    assert "python>=3.11" in env["dependencies"]
    assert pyproject["project"]["requires-python"] == ">=3.11"
