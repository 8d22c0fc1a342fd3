"""Compressed exports: a gzip file (``deals.csv.gz``) or a ZIP archive holding one file are read as the file
inside. The size limit applies to what the archive unpacks to, counted while unpacking, so that a small
archive that unpacks to gigabytes is refused without filling the disk or the memory.

The archive is unpacked into a private temporary folder that is removed afterwards; the client's file is
only read.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TypeVar

from workbench.errors import DataError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
CHUNK = 1 << 20
WORKBOOK_MEMBER = "[Content_Types].xml"  # every XLSX workbook (a ZIP archive itself) holds it

T = TypeVar("T")


def is_gzip(head: bytes) -> bool:
    """Whether the file's first bytes are those of a gzip stream."""
    return head.startswith(GZIP_MAGIC)


def zip_members(path: Path) -> list[str] | None:
    """The files of a ZIP archive that is not a workbook (None for a workbook or an unreadable archive)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    if WORKBOOK_MEMBER in names:
        return None
    return [n for n in names if not n.endswith("/") and not Path(n).name.startswith(".")]


def _inner_name(path: Path) -> str:
    """``deals.csv.gz`` -> ``deals.csv``; a bare ``deals.gz`` is read as CSV."""
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() in {".gz", ".gzip"} else path.name
    return stem if Path(stem).suffix else f"{stem}.csv"


def _copy_limited(source: IO[bytes], target: IO[bytes], name: str, limit: int) -> None:
    written = 0
    while chunk := source.read(CHUNK):
        written += len(chunk)
        if written > limit:
            raise DataError(
                name,
                f"unpacks to more than {limit // (1024 * 1024)} MB, above the limit; unpack it and split "
                "the file, or raise WORKBENCH_MAX_FILE_MB",
            )
        target.write(chunk)


@contextmanager
def _unpacked(path: Path, name: str, limit: int, members: list[str] | None) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="workbench-unpack-"))
    try:
        if members is None:
            target = folder / _inner_name(path)
            try:
                with gzip.open(path, "rb") as source, target.open("wb") as out:
                    _copy_limited(source, out, name, limit)
            except (OSError, EOFError, zlib.error) as exc:
                raise DataError(name, f"is a damaged gzip file ({exc}); compress it again") from None
        else:
            member = members[0]
            target = folder / (Path(member).name or "member.csv")
            try:
                with (
                    zipfile.ZipFile(path) as archive,
                    archive.open(member) as source,
                    target.open("wb") as out,
                ):
                    _copy_limited(source, out, name, limit)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, RuntimeError) as exc:
                raise DataError(name, f"is a damaged or encrypted ZIP archive ({exc})") from None
        with target.open("rb") as fh:
            inner = fh.read(8)
        if is_gzip(inner) or (inner.startswith(ZIP_MAGIC) and zip_members(target) is not None):
            raise DataError(name, "is an archive inside an archive; unpack it and name the file inside")
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_compressed(path: Path, name: str, head: bytes, limit: int, read: Callable[[Path], T]) -> T | None:
    """``read`` applied to the file inside a gzip file or a one-file ZIP archive; None when ``path`` is
    neither (a workbook, or not compressed). A ZIP archive of several files is a :class:`DataError`."""
    members = None
    if not is_gzip(head):
        if not head.startswith(ZIP_MAGIC):
            return None
        members = zip_members(path)
        if members is None:
            return None  # a workbook (or a damaged one: the workbook reader says why)
        if len(members) != 1:
            shown = ", ".join(members[:5]) + (" ..." if len(members) > 5 else "")
            raise DataError(
                name,
                f"is a ZIP archive of {len(members)} files, not one table (it holds: {shown}); unpack it "
                "and name the file inside",
            )
    with _unpacked(path, name, limit, members) as inner:
        return read(inner)
