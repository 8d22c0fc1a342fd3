"""The what-if's renderer process: vl-convert started once, answering on a local socket.

:class:`VegaServer` binds a socket in a private folder and starts ``python -m workbench.render.vega_server
FD VERSION`` with it, at a lower priority; the process starts vl-convert's runtime (its first drawing) and
then answers the calls of
:mod:`workbench.present.vega_remote`, one connection per call, until its standard input closes (the
process that started it has ended or closed it). The kernel finds it through
:data:`workbench.present.vega_remote.ENV`; whatever goes wrong with it, the what-if is drawn in the kernel.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from workbench.present.vega_remote import CALLS, ENV, VEGA_LITE_VERSION, receive, send

# Its start takes a core for half a second while the kernel imports: at a lower priority it takes what
# the kernel leaves.
NICENESS = 10
SOCKET_NAME = "vega.sock"


class VegaServer:
    """A started renderer process and its private socket folder; :meth:`close` once done."""

    def __init__(self, vl_version: str = VEGA_LITE_VERSION) -> None:
        self.folder = tempfile.mkdtemp(prefix="workbench-vega-")
        self.path = str(Path(self.folder) / SOCKET_NAME)
        # Bound and listening here, before the process starts: a caller's connection waits in the backlog
        # until the process answers it, however long its start takes.
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
                listener.bind(self.path)
                listener.listen(16)
                self.process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "workbench.render.vega_server",
                        str(listener.fileno()),
                        vl_version,
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    pass_fds=(listener.fileno(),),
                    preexec_fn=_lower_priority if hasattr(os, "nice") else None,
                )
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    @property
    def env(self) -> dict[str, str]:
        """What a kernel's environment needs to draw with this renderer."""
        return {ENV: self.path}

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """End the process (closing its standard input) and remove its socket folder."""
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _lower_priority() -> None:
    os.nice(NICENESS)


def start_renderer() -> VegaServer | None:
    """A renderer process for the what-if, or None when one cannot be started (the kernel then draws)."""
    try:
        return VegaServer()
    except OSError:
        return None


def serve(fd: int, vl_version: str) -> None:
    """Start the runtime, then answer the calls made to the listening socket ``fd``; when standard input
    closes, remove the socket's folder (also when the starting process ended without closing it) and
    return."""
    listener = socket.socket(fileno=fd)
    try:
        import vl_convert

        vl_convert.vegalite_to_svg({"mark": "point"}, vl_version=vl_version)
        threading.Thread(target=_answer_all, args=(listener, vl_convert), daemon=True).start()
        sys.stdin.buffer.read()  # until the starting process closes it or ends
    finally:
        shutil.rmtree(os.path.dirname(listener.getsockname()), ignore_errors=True)


def _answer_all(listener: socket.socket, renderer: Any) -> None:
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=_answer, args=(connection, renderer), daemon=True).start()


def _answer(connection: socket.socket, renderer: Any) -> None:
    with connection:
        try:
            request = receive(connection)
            name = request.get("call")
            if name not in CALLS:
                raise ValueError(f"unknown call {name!r}: expected one of {', '.join(CALLS)}")
            result = getattr(renderer, name)(*request.get("args", []), **request.get("kwargs", {}))
            reply: dict[str, Any] = {"result": result}
        except Exception as error:  # the caller draws in its own process and fails there, visibly
            reason = str(error).strip().splitlines()[0] if str(error).strip() else ""  # not its backtrace
            reply = {"error": f"{type(error).__name__}: {reason}"}
        with contextlib.suppress(OSError):
            send(connection, reply)


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2])
