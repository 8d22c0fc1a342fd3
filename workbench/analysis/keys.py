"""Fast look-ups of string keys (deal ids, stage names) with Arrow compute, without Python loops."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _arrow(values: pd.Series | Sequence[str]) -> pa.Array:
    if isinstance(values, pd.Series):
        if isinstance(values.dtype, pd.ArrowDtype) or getattr(values.dtype, "storage", None) == "pyarrow":
            return pa.array(values)
        return pa.array(values.astype("string[pyarrow]"))
    return pa.array(list(values), type=pa.string())


def index_in(values: pd.Series | Sequence[str], keys: pd.Series | Sequence[str]) -> np.ndarray:
    """Position of each value among ``keys`` (the first occurrence), -1 where absent or missing."""
    found = pc.index_in(_arrow(values), value_set=_arrow(keys))
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def equals(values: pd.Series, text: str) -> np.ndarray:
    """Boolean mask of ``values == text``; missing values are False."""
    return (values == text).to_numpy(dtype=bool, na_value=False)


UNASSIGNED = "—"  # the label of a missing manager or source (io writes it for a deal without a manager)


def factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes (0..m-1) and the sorted distinct labels of a column (missing values become "—")."""
    codes, uniques = pd.factorize(values.fillna(UNASSIGNED).astype(str), sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)
