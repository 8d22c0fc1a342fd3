"""The same name spelt two ways: "GTXPro" and "GTX Pro", "Иванов  Иван" and "иванов иван".

Two spellings are *variants* when they differ only in case, spaces, punctuation, ё/е or word order; they
are *similar* when one looks like a typo of the other (a letter or two apart in a longer name). Variants
are flagged and merged only when the client's configuration asks for it; similar names are only flagged.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

MAX_NAMES_FOR_TYPOS = 300  # pairwise comparison beyond this is slow and mostly noise
TYPO_RATIO = 0.9
TYPO_MIN_LENGTH = 6
_WORD = re.compile(r"[^\W_]+")


def spelling_key(name: str) -> str:
    """The name without case, spaces, punctuation, ё/е and word order: 'GTX Pro' -> 'gtxpro'."""
    words = _WORD.findall(name.casefold().replace("ё", "е"))
    return "".join(sorted(words))


@dataclass(frozen=True)
class SpellingGroup:
    """Spellings of one name, the most frequent first, with the number of rows of each."""

    spellings: tuple[tuple[str, int], ...]
    typo: bool = False

    @property
    def preferred(self) -> str:
        return self.spellings[0][0]

    @property
    def rows(self) -> int:
        """Rows that carry a spelling other than the preferred one."""
        return sum(n for _, n in self.spellings[1:])

    def example(self) -> dict[str, object]:
        """A data-quality example: the spellings and their row counts, and the one kept."""
        return {
            "value": " / ".join(f"{name} ({count})" for name, count in self.spellings),
            "variants": [[name, count] for name, count in self.spellings],
        }


def spelling_groups(values: pd.Series) -> list[SpellingGroup]:
    """Groups of spellings of the same name in ``values``: variants first, then likely typos."""
    counts = values.dropna().astype(str).value_counts()
    if len(counts) < 2:
        return []
    by_key: dict[str, list[tuple[str, int]]] = {}
    for name, count in counts.items():
        by_key.setdefault(spelling_key(str(name)), []).append((str(name), int(count)))
    groups = [
        SpellingGroup(tuple(sorted(names, key=lambda p: (-p[1], p[0]))))
        for key, names in by_key.items()
        if key and len(names) > 1
    ]
    groups.sort(key=lambda g: (-g.rows, g.preferred))
    return groups + _typos(by_key)


def _typos(by_key: dict[str, list[tuple[str, int]]]) -> list[SpellingGroup]:
    """Pairs of names a letter or two apart (e.g. 'Смирнова Анна' and 'Смирного Анна')."""
    if len(by_key) > MAX_NAMES_FOR_TYPOS:
        return []
    names = [(key, spellings[0]) for key, spellings in by_key.items() if len(key) >= TYPO_MIN_LENGTH]
    out = []
    for i, (key_a, first_a) in enumerate(names):
        for key_b, first_b in names[i + 1 :]:
            if _digits(key_a) != _digits(key_b):
                continue  # 'Группа 1' and 'Группа 2' are different names
            if difflib.SequenceMatcher(None, key_a, key_b).ratio() >= TYPO_RATIO:
                pair = sorted((first_a, first_b), key=lambda p: (-p[1], p[0]))
                out.append(SpellingGroup(tuple(pair), typo=True))
    return out


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def merge_variants(values: pd.Series, groups: list[SpellingGroup]) -> pd.Series:
    """``values`` with every variant spelling replaced by its group's preferred one (typos are kept)."""
    mapping = {name: g.preferred for g in groups if not g.typo for name, _ in g.spellings[1:]}
    if not mapping:
        return values
    return values.map(lambda v: mapping.get(v, v) if isinstance(v, str) else v).astype(values.dtype)


def closest(name: str, options: list[str]) -> str | None:
    """The option spelt like ``name`` (same key), else the most similar one above 0.8, else None."""
    key = spelling_key(name)
    for option in options:
        if spelling_key(option) == key:
            return option
    by_key = {spelling_key(o): o for o in options}
    match = difflib.get_close_matches(key, list(by_key), n=1, cutoff=0.8)
    return by_key[match[0]] if match else None
