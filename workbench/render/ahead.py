"""Work done ahead on a second core, in a forked copy of the kernel: half of the analyses, and the sections.

:func:`beside` runs one piece of work (the analyses that do not need the funnel) in a child while the
kernel analyses the funnel. For the sections:

The notebook asks for the sections one cell at a time, front to back. A forked child process (a copy of
the kernel with the finished audit in memory) renders them from the back; whichever process reaches a
section first claims it, so the two meet in the middle and no section is rendered twice. The child's
sections come back pickled, with whatever they printed, and are shown in their own cells. Rendering is
deterministic and independent of the order (a test renders the demo both ways), so the report is the
same as when the kernel renders every section itself; a section the child failed on, or any trouble with
the child, falls back to exactly that.

On in the audit's kernel (``workbench audit`` sets :data:`ENV`), when the process may use two or more
cores; off elsewhere, and with ``WORKBENCH_PARALLEL_SECTIONS=0``.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import mmap
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

ENV = "WORKBENCH_PARALLEL_SECTIONS"
# Seconds to wait for one section the child claimed (a demo section takes about one): past that the child
# is taken to hang, is stopped, and the kernel renders the rest itself.
CHILD_PATIENCE = 300.0
FREE, PARENT, CHILD = 0, 1, 2

Render = Callable[[str], Any]
T = TypeVar("T")


def wanted() -> bool:
    """Whether to render ahead: asked for by :data:`ENV`, and a second core and ``fork`` available."""
    if os.environ.get(ENV, "0") in ("", "0") or not hasattr(os, "fork"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores >= 2


class SectionsAhead:
    """The sections ``order`` (notebook order) shared between this process and a forked child.

    :meth:`take` returns a section the child rendered (what it printed is printed here), or None when
    this process should render it itself: a section the child did not reach, failed on, or never will.
    """

    def __init__(self, order: Sequence[str], render: Render):
        import multiprocessing

        self.order = list(order)
        self._claims = mmap.mmap(-1, max(1, len(self.order)))  # shared with the child, all FREE
        self._lock = multiprocessing.get_context("fork").Lock()
        self._done: dict[int, tuple[Any, str] | None] = {}
        self._finished = False
        self._arrived = threading.Condition()
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self._pid = os.fork()
        if self._pid == 0:
            os.close(read)
            self._child(render, write)  # never returns
        os.close(write)
        self._reaped = False
        self._reader = threading.Thread(target=self._read, args=(read,), daemon=True)
        self._reader.start()
        atexit.register(self._kill)  # a kernel shut down mid-report leaves no child behind

    def take(self, section_id: str) -> Any | None:
        """The child's rendering of ``section_id``, or None to render it here (claimed for this process)."""
        if section_id not in self.order:
            return None
        index = self.order.index(section_id)
        with self._lock:
            claim = self._claims[index]
            if claim == FREE:
                self._claims[index] = PARENT
        if claim != CHILD:
            return None
        with self._arrived:
            arrived = self._arrived.wait_for(lambda: index in self._done or self._finished, CHILD_PATIENCE)
            result = self._done.pop(index, None)
        if not arrived:  # the child hangs on this section: it is stopped, and this process goes on alone
            self._kill()
            return None
        if result is None:
            return None
        section, printed = result
        if printed:
            sys.stdout.write(printed)
        return section

    def close(self) -> None:
        """Stop the child at its next section and wait for it to exit."""
        with self._lock:
            for index in range(len(self.order)):
                if self._claims[index] == FREE:
                    self._claims[index] = PARENT
        self._reader.join()

    def _kill(self) -> None:
        with self._arrived:
            if not self._reaped:
                with contextlib.suppress(OSError):
                    os.kill(self._pid, signal.SIGKILL)

    def _read(self, fd: int) -> None:
        """Collect the child's sections as they come (so that its writes never wait), then reap it."""
        with os.fdopen(fd, "rb") as pipe:
            while True:
                try:
                    index, result = pickle.load(pipe)
                except Exception:  # end of the pipe: the child is done (or died)
                    break
                with self._arrived:
                    self._done[index] = result
                    self._arrived.notify_all()
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        with self._arrived:
            self._reaped = self._finished = True
            self._arrived.notify_all()

    def _child(self, render: Render, fd: int) -> None:
        """Render from the back until a section this process claimed; send each one; exit."""
        status = 0
        try:
            # Nothing of the child reaches the kernel's streams: each section's output travels with it.
            sys.stdout = sys.stderr = printed = io.StringIO()
            with os.fdopen(fd, "wb") as pipe:
                for index in reversed(range(len(self.order))):
                    with self._lock:
                        if self._claims[index] != FREE:
                            break  # met the parent: the sections before this one are its
                        self._claims[index] = CHILD
                    printed.seek(0)
                    printed.truncate()
                    try:
                        section = render(self.order[index])
                        payload = pickle.dumps((index, (section, printed.getvalue())))
                    except BaseException:  # the parent renders it again, and fails visibly, in its cell
                        payload = pickle.dumps((index, None))
                    pipe.write(payload)
                    pipe.flush()
        except BaseException:
            status = 1
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the kernel's inherited streams


def beside(work: Callable[[], T]) -> Callable[[], T]:
    """Start ``work`` in a forked copy of this process and return a call that gives its result; the call
    does the work here instead when the copy failed (its error, if the work itself fails, then shows).
    ``work`` must be deterministic and return picklable data, so that either way the result is the same."""
    read, write = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        status = 0
        try:
            sys.stdout = sys.stderr = io.StringIO()  # nothing of the child reaches the kernel's streams
            payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
        except BaseException:
            status = 1
        finally:
            os._exit(status)  # no atexit handlers, no flushing of the kernel's inherited streams
    os.close(write)
    received: list[bytes] = []

    def collect() -> None:
        with os.fdopen(read, "rb") as pipe:
            received.append(pipe.read())
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)

    reader = threading.Thread(target=collect, daemon=True)
    reader.start()

    def result() -> T:
        reader.join(CHILD_PATIENCE)
        if reader.is_alive():  # the child hangs: stop it
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            reader.join()
        try:
            return pickle.loads(received[0])
        except Exception:  # the child died, hung or failed: do it here
            return work()

    return result
