"""A batch worker's warm kernel template: the audit's kernel without its start-up, forked for each client.

Every audit's kernel spends about two seconds of a core starting ipykernel and importing the report's
modules before it computes anything. A batch worker audits one client after another, so it starts
:class:`KernelZygote` once: ``python -m workbench.app.zygote`` imports what the kernel's warm-up imports
(and compiles the templates), starts no thread, opens no socket, and then, for each kernel asked for,
forks a child that becomes that kernel (``ipykernel_launcher`` with the manager's arguments, working
folder and environment). Each client still gets a kernel process of its own, a copy of the template as it
was before any client: nothing of one client reaches the next.

The kernel's manager does not own the forked kernel as a child process: :class:`ForkedKernel` follows it
through a Linux pidfd (what ``Popen`` gives the manager: ``poll``, ``wait``, signals); the template reaps
its children. Wherever this is not available (no ``fork`` or ``pidfd_open``), or the template has died,
kernels are started the usual way.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from typing import Any

START_TIMEOUT_SECONDS = 120.0
LAUNCHER = ("-m", "ipykernel_launcher")


def supported() -> bool:
    """Whether kernels can be forked from a template here (Linux, for ``pidfd_open``)."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open")


class KernelZygote:
    """The template process; :meth:`fork_kernel` asks it for a kernel, :meth:`close` ends it."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        read, self._replies = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "workbench.app.zygote", str(self._replies)],
                stdin=subprocess.PIPE,
                pass_fds=(self._replies,),
                env={**os.environ, **(env or {})},
            )
        finally:
            os.close(self._replies)
        self._replies_file = os.fdopen(read, "r", encoding="utf-8")
        self._lock = threading.Lock()
        self._ready: bool | None = None

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def _reply(self, timeout: float) -> dict[str, Any]:
        ready, _, _ = select.select([self._replies_file], [], [], timeout)
        line = self._replies_file.readline() if ready else ""
        if not line:
            raise OSError("the kernel template did not answer")
        return json.loads(line)

    def fork_kernel(self, argv: list[str], cwd: str, env: dict[str, str]) -> int:
        """A new kernel forked from the template, run as ``ipykernel_launcher argv`` in ``cwd`` with
        exactly ``env`` as its environment; its process id. OSError when the template cannot."""
        with self._lock:
            if self._ready is None:
                self._ready = bool(self._reply(START_TIMEOUT_SECONDS).get("ready"))
            if not self._ready or not self.alive or self.process.stdin is None:
                raise OSError("the kernel template is not running")
            request = json.dumps({"argv": argv, "cwd": cwd, "env": env}) + "\n"
            self.process.stdin.write(request.encode("utf-8"))
            self.process.stdin.flush()
            reply = self._reply(START_TIMEOUT_SECONDS)
        if "pid" not in reply:
            raise OSError(f"the kernel template could not fork a kernel: {reply.get('error')}")
        return int(reply["pid"])

    def kernel_peak_mb(self) -> float | None:
        """The peak resident memory of the largest kernel forked so far that has ended (MB), or None."""
        with self._lock:
            if not self._ready or not self.alive or self.process.stdin is None:
                return None
            try:
                self.process.stdin.write(b'{"peak": true}\n')
                self.process.stdin.flush()
                return float(self._reply(10.0)["peak_mb"])
            except (OSError, KeyError, ValueError):
                return None

    def close(self) -> None:
        """End the template (its kernels end with their own managers)."""
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._replies_file.close()


class ForkedKernel:
    """A kernel forked by the template, as its manager sees a ``Popen``: followed through a pidfd."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._pidfd = os.pidfd_open(pid)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self._pidfd], [], [], 0)[0]:
            self.returncode = 0  # ended (the template, its parent, has its exit status)
            os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            select.select([self._pidfd], [], [], 0.1)
        return self.returncode or 0

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def serve(replies: int) -> None:
    """The template's life: import, then fork a kernel per request until standard input closes."""
    _preload()
    out = os.fdopen(replies, "w", encoding="utf-8")
    # a fork copies only the thread that forks: a template with others would hand out broken kernels
    _answer(out, {"ready": threading.active_count() == 1})
    launch_folder = sys.path[0]  # what `python -m` put first; ipykernel_launcher takes it out
    commands = sys.stdin.buffer
    while True:
        ready, _, _ = select.select([commands], [], [], 1.0)
        _reap()
        if not ready:
            continue
        line = commands.readline()  # one request at a time: the manager waits for each answer
        if not line:
            return
        try:
            request = json.loads(line)
            if request.get("peak"):  # ru_maxrss: KiB on Linux, the only system with pidfd_open
                _answer(out, {"peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024})
                continue
            pid = os.fork()
        except Exception as error:  # the manager starts this kernel the usual way
            _answer(out, {"error": f"{type(error).__name__}: {error}"})
            continue
        if pid == 0:
            if sys.path and sys.path[0] == launch_folder:
                del sys.path[0]
            _become_kernel(request, replies)
        _answer(out, {"pid": pid})


def _preload() -> None:
    """ipykernel's kernel and what the audit's kernel imports before its notebook: the kernel's own
    warm-up, run as it runs in the kernel (a statement, so that the command's process, which imports this
    module, imports no charting library)."""
    import ipykernel.ipkernel
    import ipykernel.kernelapp  # noqa: F401

    from workbench.app.kernel import WARM_UP

    exec(WARM_UP, {})


def _answer(out: Any, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(request: dict[str, Any], replies: int) -> None:
    """In the forked child: the kernel process a launcher would have started. Never returns."""
    status = 1
    try:
        os.setsid()  # its own process group, as the manager's launcher gives a kernel
        os.close(replies)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        argv = list(request["argv"])
        if os.environ.get("JPY_PARENT_PID"):  # read when ipykernel was imported, here before any manager
            argv.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=argv)
        status = 0
    except SystemExit as end:
        status = end.code if isinstance(end.code, int) else 0
    finally:
        os._exit(status)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
