"""Headless Chromium on pipes, driven over the DevTools protocol: the report's PDF printer and the
browser of the tests.

No driver and no port: Chromium is started with ``--remote-debugging-pipe`` and the protocol runs over two
pipes (the browser reads commands on its fd 3 and writes replies and events on its fd 4; every message is
JSON terminated by a NUL byte). Because no port is opened, Chromium can run in a network namespace that has
no network at all: as root, where ``unshare -n`` works, it is started as
``unshare -n sh -c 'ip link set lo up; exec chromium ...'``. If this process dies, Chromium sees its pipe
close and exits.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CHROMIUM_ENV = "WORKBENCH_CHROMIUM"  # path of the browser to use instead of the first found on PATH
CHROMIUM_NAMES = ("chromium", "chromium-browser", "chrome-headless-shell", "google-chrome", "chrome")
# Network.emulateNetworkConditions: a page with no network (on top of the namespace, where there is one)
OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
INSTALL_HINT = "install one with `apt-get install -y chromium` (Debian/Ubuntu) or set WORKBENCH_CHROMIUM"

_FLAGS = (
    "--headless",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--force-color-profile=srgb",
    "--password-store=basic",
    "--use-mock-keychain",
)


class BrowserError(RuntimeError):
    """Chromium could not be started, stopped answering, or refused a command."""


def find_chromium() -> str | None:
    """The Chromium to use: $WORKBENCH_CHROMIUM if set, else the first of CHROMIUM_NAMES on PATH."""
    if explicit := os.environ.get(CHROMIUM_ENV):
        return explicit if os.access(explicit, os.X_OK) else None
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    return None


def network_namespace_available() -> bool:
    """Whether Chromium can be started in a network namespace of its own (root and a working unshare)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    try:
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


class Connection:
    """The DevTools protocol over Chromium's pipes: commands, their replies, and events by session.

    A reader thread parses what Chromium writes; replies wake the caller waiting for them and events go to
    the handler registered for their session (handlers run on the reader thread and must not wait for a
    reply, only :meth:`send`).
    """

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self._out = to_browser
        self._in = from_browser
        self._ids = itertools.count(1)
        self._write_lock = threading.Lock()
        self._replies: dict[int, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self._handlers: dict[str | None, Callable[[str, dict[str, Any]], None]] = {}
        self.closed = False
        self._reader = threading.Thread(target=self._read_loop, name="chromium-cdp", daemon=True)
        self._reader.start()

    def on(self, session: str | None, handler: Callable[[str, dict[str, Any]], None] | None) -> None:
        """Send the events of `session` (None: the browser's own) to `handler`; None removes it."""
        if handler is None:
            self._handlers.pop(session, None)
        else:
            self._handlers[session] = handler

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> int:
        """Send a command without waiting; returns its id."""
        message: dict[str, Any] = {"id": next(self._ids), "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        with self._write_lock:
            if self.closed:
                raise BrowserError(f"Chromium has gone away (sending {method})")
            view = memoryview(data)
            try:
                while view:
                    view = view[os.write(self._out, view) :]
            except OSError as error:
                raise BrowserError(f"Chromium has gone away (sending {method}): {error}") from error
        return message["id"]

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        session: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        """Send a command and wait for its result; BrowserError on an error reply or a timeout."""
        command_id = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        with self._cond:
            while command_id not in self._replies:
                left = deadline - time.monotonic()
                if self.closed or left <= 0:
                    why = "Chromium has gone away" if self.closed else f"no reply within {timeout:g} s"
                    raise BrowserError(f"{method}: {why}")
                self._cond.wait(left)
            reply = self._replies.pop(command_id)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')} {reply['error'].get('data', '')}")
        return reply.get("result", {})

    def close(self) -> None:
        """Close our ends of the pipes (after Chromium has gone, so that the reader has seen the end)."""
        self._reader.join(5)
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _read_loop(self) -> None:
        buffer = b""
        try:
            while chunk := os.read(self._in, 1 << 16):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                for raw in messages:
                    self._dispatch(json.loads(raw))
        except OSError:
            pass
        finally:
            with self._cond:
                self.closed = True
                self._cond.notify_all()

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            with self._cond:
                self._replies[message["id"]] = message
                self._cond.notify_all()
        elif handler := self._handlers.get(message.get("sessionId")):
            handler(message["method"], message.get("params", {}))


class Chromium:
    """A headless Chromium of our own, on pipes; in a network namespace without network where possible.

    Started in a temporary profile (removed again), with ``--no-sandbox`` only when running as root (the
    sandbox refuses root). :meth:`close` (or leaving the ``with`` block) ends the whole process group.
    """

    def __init__(
        self,
        binary: str | None = None,
        *,
        isolate_network: bool | None = None,
        extra_args: tuple[str, ...] = (),
        start_timeout: float = 30,
        niceness: int = 0,
    ) -> None:
        binary = binary or find_chromium()
        if binary is None:
            raise BrowserError(f"no Chromium found; {INSTALL_HINT}")
        if isolate_network is None:
            isolate_network = network_namespace_available()
        self.network_isolated = isolate_network
        self._tmp = Path(tempfile.mkdtemp(prefix="workbench-chromium-"))
        self._stderr_path = self._tmp / "stderr.log"
        args = [binary, *_FLAGS, f"--user-data-dir={self._tmp / 'profile'}", *extra_args]
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        # The browser talks on its fds 3 (commands in) and 4 (replies out): the pipes are handed over as
        # stdin and stdout and moved to 3 and 4 by the shell that then becomes Chromium.
        script = "exec 3<&0 4>&1 </dev/null >&2; "
        if isolate_network:
            script += "ip link set lo up 2>/dev/null; "
        # A lower priority (``niceness``, as nice(1)) for the browser and every process it starts.
        script += f'exec nice -n {int(niceness)} "$@"' if niceness and shutil.which("nice") else 'exec "$@"'
        command = ["sh", "-c", script, "sh", *args]
        if isolate_network:
            command = ["unshare", "-n", *command]
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        with open(self._stderr_path, "wb") as stderr:
            self._process = subprocess.Popen(
                command, stdin=to_browser_r, stdout=from_browser_w, stderr=stderr, start_new_session=True
            )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.cdp = Connection(to_browser_w, from_browser_r)
        atexit.register(self.close)
        try:
            self.version = self.cdp.call("Browser.getVersion", timeout=start_timeout)["product"]
        except BrowserError as error:
            self.close(keep_stderr=True)
            tail = self._stderr_tail()
            shutil.rmtree(self._tmp, ignore_errors=True)
            status = self._process.returncode
            raise BrowserError(
                f"Chromium did not start ({error}; exit status {status})\n"
                f"command: {shlex.join(command)}\n{tail}"
            ) from None

    @property
    def alive(self) -> bool:
        """Whether the browser is still running and answering on its pipe."""
        return self._process.poll() is None and not self.cdp.closed

    @property
    def pid(self) -> int:
        """The browser's process id (also its process group's)."""
        return self._process.pid

    def _stderr_tail(self, lines: int = 20) -> str:
        try:
            text = self._stderr_path.read_text(errors="replace").splitlines()
        except OSError:
            text = []
        return "its stderr ends:\n" + "\n".join(text[-lines:]) if text else "it wrote nothing to stderr"

    def close(self, *, keep_stderr: bool = False) -> None:
        """Stop Chromium and every process it started, and remove its profile (and its stderr log)."""
        atexit.unregister(self.close)
        if self._process.poll() is None and not self.cdp.closed:
            with contextlib.suppress(BrowserError):
                self.cdp.send("Browser.close")
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(5)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self._process.pid, sig)
            except ProcessLookupError:
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(5)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(5)
        self.cdp.close()
        if keep_stderr:
            shutil.rmtree(self._tmp / "profile", ignore_errors=True)
        else:
            shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
