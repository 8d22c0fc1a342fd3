"""The cache of parsed packaged YAML and compiled templates: it saves the work, never changes a result."""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile

import jinja2
import pytest

from workbench import cache
from workbench.present import html
from workbench.yaml_safe import load_packaged


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    cache.folder.cache_clear()
    yield tmp_path
    cache.folder.cache_clear()


def counting(parse):
    calls = []

    def counted(text):
        calls.append(text)
        return parse(text)

    return counted, calls


def test_a_result_is_parsed_once_and_read_back_the_same(private_tmp):
    parse, calls = counting(lambda text: {"funnel": {"title": text, "steps": [1, 2.5, None]}})
    first = cache.parsed("Воронка", parse)
    assert (
        cache.parsed("Воронка", parse) == first == {"funnel": {"title": "Воронка", "steps": [1, 2.5, None]}}
    )
    assert len(calls) == 1
    assert cache.parsed("Воронка продаж", parse)["funnel"]["title"] == "Воронка продаж"  # edited: again
    assert len(calls) == 2
    folder = cache.folder()
    assert folder is not None and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not list(folder.glob("*.tmp"))


def test_a_corrupt_file_is_parsed_again(private_tmp):
    parse, calls = counting(lambda text: {"key": text})
    cache.parsed("a: b", parse)
    (kept,) = cache.folder().glob("parsed-*.json")
    kept.write_text('{"key": ', "utf-8")
    assert cache.parsed("a: b", parse) == {"key": "a: b"} and len(calls) == 2
    assert cache.parsed("a: b", parse) == {"key": "a: b"} and len(calls) == 2  # rewritten whole


def test_what_json_would_change_is_not_kept(private_tmp):
    parse, calls = counting(lambda text: {"when": dt.date(2026, 11, 23), "pair": (1, 2)})
    assert cache.parsed("x", parse) == {"when": dt.date(2026, 11, 23), "pair": (1, 2)}
    assert cache.parsed("x", parse)["when"] == dt.date(2026, 11, 23) and len(calls) == 2
    assert not list(cache.folder().glob("parsed-*"))


def test_a_folder_of_someone_else_or_open_to_others_is_not_used(private_tmp):
    shared = private_tmp / f"{cache.FOLDER_PREFIX}{os.getuid()}"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    assert cache.folder() is None
    parse, calls = counting(lambda text: {"key": text})
    assert cache.parsed("a", parse) == cache.parsed("a", parse) == {"key": "a"} and len(calls) == 2
    assert not list(shared.iterdir())


def test_packaged_yaml_reads_the_same_from_the_cache(private_tmp):
    text = "funnel:\n  title: Воронка\n  steps: [1, 2]\n"
    assert load_packaged(text) == load_packaged(text) == {"funnel": {"title": "Воронка", "steps": [1, 2]}}
    assert len(list(cache.folder().glob("parsed-*.json"))) == 1


def test_compiled_templates_render_the_same_and_an_unwritable_cache_is_harmless(private_tmp):
    def render(bytecode_cache):
        env = jinja2.Environment(
            loader=jinja2.DictLoader({"t.html": "{% for x in items %}<b>{{ x }}</b>{% endfor %}"}),
            autoescape=True,
            bytecode_cache=bytecode_cache,
        )
        return env.get_template("t.html").render(items=["<A>", "Б"])

    expected = "<b>&lt;A&gt;</b><b>Б</b>"
    assert render(html._template_cache()) == render(html._template_cache()) == expected
    assert list(cache.folder().glob("templates-sections-*.cache"))
    unwritable = html._TemplateCache(str(private_tmp / "missing"), pattern="t-%s.cache")
    assert render(unwritable) == expected
