"""The data check's load handed to the kernel: used only for the same, unchanged files, and only once."""

from __future__ import annotations

import os
import shutil

import pytest

from workbench.config import load_config
from workbench.io.load import load_client
from workbench.render import preload


@pytest.fixture
def client(small_client, tmp_path):
    return shutil.copytree(small_client, tmp_path / "client")


def _primed(client, tmp_path):
    before = preload.fingerprint(client, load_config(client))
    data = load_client(client)
    path = tmp_path / "data.pickle"
    preload.save(path, client, before, data)
    preload.prime(str(path))
    assert not path.exists()
    return data


def test_the_checked_data_is_taken_once_for_unchanged_files(client, tmp_path):
    data = _primed(client, tmp_path)
    taken = preload.take(client)
    assert taken is not None and taken.client_dir == client
    assert taken.tables.keys() == data.tables.keys()
    assert all(taken.tables[name].equals(frame) for name, frame in data.tables.items())
    assert taken.config == data.config and taken.reports == data.reports
    assert preload.take(client) is None  # once


def test_a_data_file_changed_since_the_check_is_loaded_again(client, tmp_path):
    _primed(client, tmp_path)
    deals = client / load_config(client).data.deals.file
    stat = deals.stat()
    os.utime(deals, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert preload.take(client) is None


def test_another_folder_loads_its_own_data(client, tmp_path):
    _primed(client, tmp_path)
    other = shutil.copytree(client, tmp_path / "other")
    assert preload.take(other) is None
    assert preload.take(client) is None  # the primed data is dropped all the same


def test_an_unreadable_hand_over_is_ignored(tmp_path):
    (tmp_path / "broken.pickle").write_bytes(b"not a pickle")
    preload.prime(str(tmp_path / "broken.pickle"))
    preload.prime(str(tmp_path / "missing.pickle"))
    assert preload.take(tmp_path) is None
