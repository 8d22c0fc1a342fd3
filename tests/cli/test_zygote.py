"""A batch worker's kernel template: each kernel forked from it is a fresh process of its own, in the folder
and environment its manager gives, ended like any kernel; without a working template kernels start the
usual way."""

from __future__ import annotations

import os
import subprocess

import pytest
from jupyter_client import BlockingKernelClient

from workbench.app import batch, zygote
from workbench.app.kernel import KERNEL_THREAD_LIMITS, _fork_from, start_kernel
from workbench.app.zygote import ForkedKernel, KernelZygote

pytestmark = pytest.mark.skipif(not zygote.supported(), reason="forking kernels needs fork and pidfd_open")


@pytest.fixture(scope="module")
def template():
    started = KernelZygote(KERNEL_THREAD_LIMITS)
    yield started
    started.close()


def run(kernel, code: str) -> str:
    client = BlockingKernelClient()
    client.load_connection_info(kernel.km.get_connection_info())
    client.start_channels()
    printed: list[str] = []

    def output(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])

    try:
        reply = client.execute_interactive(code, timeout=60, output_hook=output)
    finally:
        client.stop_channels()
    assert reply["content"]["status"] == "ok", reply["content"]
    return "".join(printed).strip()


def test_each_kernel_is_a_fresh_copy_of_the_template_in_its_folder_and_environment(template, tmp_path):
    first = start_kernel("python3", tmp_path, zygote=template, env={"WORKBENCH_PROBE": "first"})
    second = None
    try:
        assert first.wait_warm()
        assert isinstance(first.km.provisioner.process, ForkedKernel)
        probe = (
            "import os, sys; client_secret = 1; "
            "print(os.getcwd(), os.environ['WORKBENCH_PROBE'], os.getppid(), "
            "'workbench.present.charts' in sys.modules)"
        )
        seen = run(first, probe)
        assert seen == f"{tmp_path} first {template.process.pid} True"
        run(first, "ballast = bytearray(300 * 2**20); ballast[::4096] = b'x' * len(ballast[::4096])")
        first.stop()  # gracefully, as papermill's manager does
        assert template.kernel_peak_mb() > 300  # the largest kernel that has ended
        assert first.km.provisioner is None or not first.km.has_kernel
        second = start_kernel("python3", tmp_path, zygote=template, env={"WORKBENCH_PROBE": "second"})
        assert second.wait_warm()
        assert run(
            second, "import os; print('client_secret' in globals(), os.environ['WORKBENCH_PROBE'])"
        ) == ("False second")
    finally:
        first.stop(now=True)
        if second is not None:
            pid = second.km.provisioner.process.pid
            second.stop(now=True)
            with pytest.raises(ProcessLookupError):
                for _ in range(100):
                    os.kill(pid, 0)  # the template reaps it within a second
                    subprocess.run(["sleep", "0.05"], check=True)


def test_a_template_that_is_gone_or_another_kind_of_kernel_starts_the_usual_way(tmp_path):
    gone = KernelZygote(KERNEL_THREAD_LIMITS)
    gone.close()
    kernel = start_kernel("python3", tmp_path, zygote=gone, warm_up=None)
    try:
        assert isinstance(kernel.km.provisioner.process, subprocess.Popen)
    finally:
        kernel.stop(now=True)

    class Living:
        alive = True

        def fork_kernel(self, *args):
            pytest.fail("asked to fork another kind of kernel")

    assert _fork_from(Living(), ["/usr/bin/other", "-m", "other_kernel", "-f", "c.json"], {}) is None


def test_a_template_that_cannot_fork_leaves_the_kernel_to_the_usual_start(tmp_path):
    class Failing:
        alive = True

        def fork_kernel(self, *args):
            raise OSError("the kernel template did not answer")

    kernel = start_kernel("python3", tmp_path, zygote=Failing(), warm_up=None)
    try:
        assert isinstance(kernel.km.provisioner.process, subprocess.Popen) and kernel.wait_warm()
    finally:
        kernel.stop(now=True)


def test_a_worker_keeps_one_template_for_its_clients(monkeypatch):
    monkeypatch.setattr(batch, "_zygote", [])
    first = batch._worker_zygote()
    try:
        assert first is not None and batch._worker_zygote() is first
        first.close()
        second = batch._worker_zygote()  # one that has gone is started again
        assert second is not first and second.alive
        second.close()
    finally:
        first.close()
