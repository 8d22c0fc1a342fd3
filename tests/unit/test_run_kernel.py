"""The audit's kernel: started with one BLAS thread unless the environment says otherwise."""

from __future__ import annotations

import pytest
from jupyter_core.utils import run_sync

from workbench.app.kernel import KERNEL_THREAD_LIMITS, kernel_manager_class


def _launch_env(tmp_path) -> dict[str, str]:
    km = kernel_manager_class()(kernel_name="python3", transport="ipc", ip=str(tmp_path / "k"))
    try:
        _, launch = run_sync(km._async_pre_start_kernel)()
    finally:
        run_sync(km.cleanup_resources)()
    return launch["env"]


@pytest.mark.parametrize("name", sorted(KERNEL_THREAD_LIMITS))
def test_kernel_environment_limits_threads(name, tmp_path, monkeypatch):
    monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("WORKBENCH_TEST_MARK", "kept")
    env = _launch_env(tmp_path)
    assert env[name] == "1"
    assert env["WORKBENCH_TEST_MARK"] == "kept"  # the rest of the environment is passed on


def test_a_thread_count_set_by_the_user_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    assert _launch_env(tmp_path)["OPENBLAS_NUM_THREADS"] == "4"
