"""vl-convert in another process: the what-if's drawing without starting a renderer in the kernel.

vl-convert's first drawing in a process starts a JavaScript runtime: about half a second of a core, during
which it holds the Python interpreter's lock. ``workbench audit`` starts that runtime once, in a small
process of its own (:mod:`workbench.render.vega_server`), while its kernel is still importing, and names
its socket in :data:`ENV`; a batch worker keeps one for all its clients. The conversion is a pure function
of the specification, so nothing of one client stays for the next.

The wire: one request per connection, each way a 4-byte big-endian length and that many bytes of JSON.
A request is ``{"call": name, "args": [...], "kwargs": {...}}`` for one of :data:`CALLS`; the reply is
``{"result": ...}`` or ``{"error": "..."}``.
"""

from __future__ import annotations

import json
import os
import socket
import struct
from typing import Any

ENV = "WORKBENCH_VEGA_SOCKET"
VEGA_LITE_VERSION = "6.4"  # of the specifications, the renderer's SVG and the page's runtime alike
CALLS = ("get_format_locale", "vegalite_to_vega", "vegalite_to_svg")
# A first request may wait for the runtime's start; past this the caller draws with its own vl-convert.
TIMEOUT_SECONDS = 60.0
_LENGTH = struct.Struct(">I")


class RemoteError(Exception):
    """The renderer process could not be reached or did not answer the call."""


def send(connection: socket.socket, message: dict[str, Any]) -> None:
    """Write one framed JSON message."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    connection.sendall(_LENGTH.pack(len(body)) + body)


def receive(connection: socket.socket) -> dict[str, Any]:
    """Read one framed JSON message; RemoteError when the other end closed before it was whole."""
    (length,) = _LENGTH.unpack(_exactly(connection, _LENGTH.size))
    return json.loads(_exactly(connection, length).decode("utf-8"))


def _exactly(connection: socket.socket, size: int) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = connection.recv(min(missing, 1 << 20))
        if not chunk:
            raise RemoteError("the renderer closed the connection mid-message")
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


class RemoteRenderer:
    """The three vl-convert calls the what-if makes, answered by the renderer process at ``path``."""

    def __init__(self, path: str):
        self.path = path

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """``vl_convert.<name>(*args, **kwargs)`` in the renderer process; RemoteError on any failure."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
                connection.settimeout(TIMEOUT_SECONDS)
                connection.connect(self.path)
                send(connection, {"call": name, "args": list(args), "kwargs": kwargs})
                reply = receive(connection)
        except (OSError, ValueError) as error:
            raise RemoteError(f"{self.path}: {error}") from error
        if "error" in reply:
            raise RemoteError(str(reply["error"]))
        return reply["result"]

    def get_format_locale(self, name: str) -> Any:
        return self.call("get_format_locale", name)

    def vegalite_to_vega(self, spec: dict[str, Any], vl_version: str) -> Any:
        return self.call("vegalite_to_vega", spec, vl_version=vl_version)

    def vegalite_to_svg(self, spec: dict[str, Any], vl_version: str) -> str:
        return self.call("vegalite_to_svg", spec, vl_version=vl_version)


def configured() -> RemoteRenderer | None:
    """The renderer process :data:`ENV` names, if any."""
    path = os.environ.get(ENV, "")
    return RemoteRenderer(path) if path else None
