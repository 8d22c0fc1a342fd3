"""The audit notebook's kernel: local sockets, one BLAS thread, started early and warmed with the imports.

:func:`start_kernel` returns at once: the kernel starts and imports the report's modules (about 4 s of
CPU) while the caller checks the client's data on the other core; papermill then runs the notebook in it.
The warm-up is one silent request: it binds no name in the notebook's namespace and takes no execution
number, so the executed notebook is the same as in a kernel started cold.
"""

from __future__ import annotations

import os
import queue
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# The kernel's numerical libraries run on one thread. The audit's matrix work is tiny (two-parameter fits,
# small tables), and a pool of BLAS threads spinning for each call costs seconds on a busy 2-core machine
# (16 beta-binomial fits: 3.0 s with the default pool against 0.35 s on one thread); one thread also keeps
# parallel audits in a batch from fighting over the cores.
KERNEL_THREAD_LIMITS = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
# What the audit notebook imports first, and the section views it loads one by one later.
WARM_UP = '__import__("workbench.render.report", fromlist=["_"]).load_sections()'
# As nbclient starts a kernel: IPython's history in memory, no history file or its writer thread.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]
START_TIMEOUT_SECONDS = 120


@dataclass
class Kernel:
    """A started kernel, its manager (for papermill) and its socket folder; :meth:`stop` once done."""

    km: Any
    sockets: str
    client: Any = None  # the warm-up's client until :meth:`wait_warm`
    last_sent: str | None = None
    stopped: bool = False

    def send(self, code: str) -> None:
        """Run ``code`` silently in the kernel after the warm-up (before the notebook)."""
        if self.client is not None:
            self.last_sent = self.client.execute(code, silent=True, store_history=False)

    def wait_warm(self, timeout: float = START_TIMEOUT_SECONDS) -> bool:
        """Wait for the warm-up and what was sent after it to finish (successful or not: a failing import
        fails again, with its message, in the notebook's first cell); False when the kernel died."""
        from jupyter_core.utils import run_sync

        client, self.client = self.client, None
        if client is None:
            return True
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    reply = client.get_shell_msg(timeout=0.5)
                except queue.Empty:
                    if not run_sync(self.km.is_alive)():
                        return False
                    continue
                if reply.get("parent_header", {}).get("msg_id") == self.last_sent:
                    return True
            return run_sync(self.km.is_alive)()
        finally:
            client.stop_channels()

    def stop(self, now: bool = False) -> None:
        """Shut the kernel down (gracefully unless ``now``) and remove its socket folder; once."""
        from jupyter_core.utils import run_sync

        if self.stopped:
            return
        self.stopped = True
        try:
            if self.client is not None:
                self.client.stop_channels()
                self.client = None
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=now)
        finally:
            shutil.rmtree(self.sockets, ignore_errors=True)


def start_kernel(
    kernel_name: str,
    cwd: Path,
    warm_up: str | None = WARM_UP,
    env: dict[str, str] | None = None,
    zygote: Any = None,
) -> Kernel:
    """Start a kernel in ``cwd`` and send it ``warm_up`` (silently); return without waiting for either.
    ``env`` adds variables to the kernel's environment, unless this process's environment sets them;
    ``zygote``: a :class:`workbench.app.zygote.KernelZygote` to fork the kernel from."""
    from jupyter_client import BlockingKernelClient
    from jupyter_core.utils import run_sync

    sockets = tempfile.mkdtemp(prefix="workbench-kernel-")
    km = kernel_manager_class()(kernel_name=kernel_name, transport="ipc", ip=os.path.join(sockets, "k"))
    km.zygote = zygote
    kernel = Kernel(km, sockets)
    try:
        run_sync(km.start_kernel)(
            cwd=str(cwd), extra_arguments=list(KERNEL_ARGUMENTS), env={**(env or {}), **os.environ}
        )
        if warm_up:
            client = BlockingKernelClient()
            client.load_connection_info(km.get_connection_info())
            client.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
            kernel.client = client
            kernel.last_sent = client.execute(warm_up, silent=True, store_history=False)
    except BaseException:
        kernel.stop(now=True)
        raise
    return kernel


@cache
def kernel_manager_class() -> type:
    """A kernel manager whose kernels start with :data:`KERNEL_THREAD_LIMITS` in their environment
    (unless this process's environment sets them already)."""
    from jupyter_client.manager import AsyncKernelManager

    class ThreadLimitedKernelManager(AsyncKernelManager):
        zygote: Any = None  # a KernelZygote to fork the kernel from, when a batch worker has one

        async def _async_pre_start_kernel(self, **kw: object) -> tuple[list[str], dict[str, object]]:
            command, launch = await super()._async_pre_start_kernel(**kw)
            env = dict(launch.get("env") or os.environ)
            launch["env"] = {**KERNEL_THREAD_LIMITS, **env}
            return command, launch

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            forked = _fork_from(self.zygote, kernel_cmd, kw)
            if forked is None:
                await super()._async_launch_kernel(kernel_cmd, **kw)
                return
            provisioner = self.provisioner
            provisioner.process = forked
            provisioner.pid = provisioner.pgid = forked.pid  # the child is its own session's leader
            provisioner.cwd = kw.get("cwd")
            self._reconcile_connection_info(provisioner.connection_info)

    return ThreadLimitedKernelManager


def _fork_from(zygote: Any, kernel_cmd: list[str], launch: dict[str, Any]) -> Any:
    """The kernel forked from ``zygote`` for this launch, or None to launch it the usual way (no template,
    another kind of kernel, or any failure of the template)."""
    from workbench.app.zygote import LAUNCHER, ForkedKernel

    if zygote is None or not zygote.alive or tuple(kernel_cmd[1:3]) != LAUNCHER:
        return None
    if os.path.realpath(kernel_cmd[0]) != os.path.realpath(sys.executable):
        return None
    env = dict(launch.get("env") or os.environ)
    env.setdefault("JPY_PARENT_PID", str(os.getpid()))
    try:
        return ForkedKernel(zygote.fork_kernel(kernel_cmd[3:], str(launch.get("cwd") or os.getcwd()), env))
    except OSError:
        return None
