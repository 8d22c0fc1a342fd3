"""One audit run: execute the audit notebook with papermill, render HTML and PDF, place outputs atomically.

Everything is produced in a hidden staging folder next to the output folder and moved in only when the
whole run succeeded. A failed run writes no report.html or report.pdf: it keeps the failed notebook as
``audit.failed.ipynb`` with a ``FAILED.txt`` that says which cell failed and why, and removes stale
report files from the output folder so that nothing looks like a finished report of this run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.app.kernel import Kernel, start_kernel
from workbench.config import ClientConfig, iter_sources, load_config, resolve_data_path
from workbench.errors import DataError, RunError, WorkbenchError
from workbench.io.previous_run import latest_run
from workbench.limits import check_output_folder, pid_alive
from workbench.parameters import parse_as_of
from workbench.render import ahead
from workbench.render.files import D_CLASS_XLSX, METRICS_FILE, QUARANTINE_FILE, QUARANTINE_XLSX
from workbench.render.paths import staging_dir
from workbench.render.pdf import pdf_engine as pdf_engine_for
from workbench.render.pdf import start_printer
from workbench.render.vega_server import VegaServer, start_renderer
from workbench.resources import REPO_ROOT, notebook_path

if TYPE_CHECKING:
    from workbench.app.zygote import KernelZygote
    from workbench.io.load import ClientData
    from workbench.render.early import EarlyPdf
    from workbench.render.pdf import PdfJob
    from workbench.render.pdf_chromium import ChromiumPrinter
    from workbench.render.preload import Fingerprint

# Imported where used: this module is the first the command loads, and the kernel starts only once it
# is loaded; nbformat, nbconvert, pandas and the analyses cost seconds to import.

# jsonschema (under nbformat and papermill) imports rfc3987_syntax when it is installed, which builds its
# grammars at import: about 2 s of every run's start for an IRI format check that nothing here uses
# (python-jsonschema/jsonschema#1428). Without it jsonschema leaves that one format unchecked.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

FORMATS = ("html", "pdf")
NOTEBOOK_FILE = "audit.ipynb"
FAILED_NOTEBOOK = "audit.failed.ipynb"
FAILED_NOTE = "FAILED.txt"
REPORT_FILES = (
    "report.html",
    "report.pdf",
    METRICS_FILE,
    QUARANTINE_FILE,
    QUARANTINE_XLSX,
    D_CLASS_XLSX,
    NOTEBOOK_FILE,
)
CELL_TIMEOUT_SECONDS = 600
# Errors of an output folder that cannot be written: one clear paragraph, not an unexpected error.
WRITE_ERRORS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
        errno.ENOTDIR,
        errno.EEXIST,
        errno.EISDIR,
        errno.EFBIG,
    }
)

Step = Callable[[str], None]


@dataclass
class RunResult:
    """Where a successful run put its files, and how long each step took."""

    out_dir: Path
    files: dict[str, Path]
    timings: dict[str, float] = field(default_factory=dict)


LATEST = "latest"  # --compare without a path: the client's latest earlier run


def default_out_dir(client_dir: Path, as_of: dt.date) -> Path:
    return client_dir / "reports" / as_of.isoformat()


def run_audit(
    client_dir: Path | str,
    out: Path | str | None = None,
    formats: tuple[str, ...] = FORMATS,
    locale: str | None = None,
    as_of: str | dt.date | None = None,
    step: Step | None = None,
    progress_bar: bool = False,
    kernel_name: str = "python3",
    anonymize: bool = False,
    compare: Path | str | None = None,
    interactive: bool = True,
    pdf_engine: str | None = None,
    printer: ChromiumPrinter | None = None,
    renderer: VegaServer | None = None,
    zygote: KernelZygote | None = None,
) -> RunResult:
    """Audit ``client_dir`` and write report.html / report.pdf, metrics.json, the executed notebook and
    the quarantined rows into ``out`` (default ``<client>/reports/<date>/``). With ``anonymize``, manager
    and customer names are pseudonyms in every output; the key stays in the client folder. Without
    ``interactive`` the HTML has no live what-if and no script at all. ``pdf_engine``: ``auto`` (the
    default: Chromium where installed, else WeasyPrint), ``chromium`` or ``weasyprint``; ``printer``: a
    Chromium already started to print with (a batch worker's), left running; ``renderer``: likewise, the
    what-if's renderer process; ``zygote``: a batch worker's kernel template to fork the kernel from."""
    step = step or (lambda _message: None)
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise RunError(f"--format: expected html, pdf or both, got {','.join(formats) or 'nothing'}")
    client_dir = Path(client_dir).resolve()
    step("config")
    config = load_config(client_dir)
    report_date = parse_as_of(as_of) or dt.date.today()
    out_dir = Path(out).resolve() if out else default_out_dir(client_dir, report_date)
    inputs = [client_dir / "client.yaml"]
    for _, source in iter_sources(config):
        inputs += [client_dir / source.file, resolve_data_path(client_dir, source.file)]
    check_output_folder(out_dir, inputs, client_dir)
    if compare == LATEST:
        compare = latest_run(client_dir, exclude=out_dir)
    if compare:
        from workbench.audit import previous_run

        compare = Path(compare).resolve()
        previous_run(compare)  # refuse an unreadable metrics.json before the long part
    if "pdf" in formats:
        pdf_engine_for(pdf_engine)  # refuses an unknown engine before any work
    # The kernel starts and imports the report's modules while this process checks the data; it renders
    # the report's sections on two cores when it has them.
    # The what-if's renderer starts beside it, in a process of its own (see workbench.render.vega_server).
    vega = renderer or start_renderer()
    kernel = None
    try:
        kernel = start_kernel(
            kernel_name, REPO_ROOT, env={ahead.ENV: "1", **(vega.env if vega else {})}, zygote=zygote
        )
        return _checked_run(
            client_dir,
            config,
            out_dir,
            kernel,
            formats,
            step,
            progress_bar,
            {
                "client_dir": str(client_dir),
                "locale": locale or "",
                "as_of": report_date.isoformat(),
                "anonymize": anonymize,
                "compare": str(compare or ""),
                "interactive": interactive,
            },
            pdf_engine if "pdf" in formats else None,
            printer,
        )
    finally:
        if kernel is not None:
            kernel.stop(now=True)  # a no-op once the run has shut it down gracefully
        if vega is not None and vega is not renderer:
            vega.close()


def _checked_run(
    client_dir: Path,
    config: ClientConfig,
    out_dir: Path,
    kernel: Kernel,
    formats: tuple[str, ...],
    step: Step,
    progress_bar: bool,
    parameters: dict[str, Any],
    pdf_engine: str | None = None,
    given_printer: ChromiumPrinter | None = None,
) -> RunResult:
    """The run once its arguments are valid: refuse unauditable data, execute the notebook in ``kernel``,
    render, publish."""
    from papermill.exceptions import PapermillExecutionError

    from workbench.io.atomic import write_text
    from workbench.render.early import EarlyPdf
    from workbench.render.exporters import WorkbenchHTMLExporter, cell_label
    from workbench.render.pdf import PdfJob

    before = _fingerprint(client_dir, config)
    try:
        checked = _refuse_unauditable(client_dir)
    except WorkbenchError as exc:
        _clear_refused(out_dir, exc)
        raise
    if before is not None and checked is not None and checked.config == config:
        _hand_over(kernel, client_dir, before, checked)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(out_dir)
        staging = staging_dir(out_dir)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
    except OSError as exc:
        raise _output_error(out_dir, exc) from None
    timings: dict[str, float] = {}
    executed = staging / NOTEBOOK_FILE
    parameters = {**parameters, "output_dir": str(staging)}
    stopping: list[threading.Thread] = []
    pdf: PdfJob | None = None
    early: EarlyPdf | None = None
    printer = None
    try:
        step("execute")
        started = time.perf_counter()
        # Chromium, when it prints the PDF, starts now (not with the kernel, whose start and imports would
        # share the cores with it) and is ready long before the report's HTML.
        printer = given_printer
        if printer is None and "pdf" in formats:
            printer = start_printer(pdf_engine)
        # This process only waits while the kernel works: load the renderers meanwhile.
        threading.Thread(
            target=_warm_up_renderers, args=("pdf" in formats and printer is None,), daemon=True
        ).start()
        early = (
            EarlyPdf(notebook_path(NOTEBOOK_FILE), staging / "report.pdf", pdf_engine, printer)
            if "pdf" in formats
            else None
        )
        try:
            # the kernel shuts down while the report renders; it is waited for below, before returning
            nb = _execute(
                executed,
                parameters,
                kernel.km.kernel_name,
                progress_bar,
                kernel=kernel,
                stopping=stopping,
                on_cell_executed=early.hook() if early is not None else None,
            )
        except PapermillExecutionError as exc:
            _keep_failure(staging, out_dir, exc)
            raise RunError(
                f"The audit of {config.name} stopped at {cell_label(exc)} of {NOTEBOOK_FILE}: "
                f"{exc.ename}: {exc.evalue}. No report was written; the failed notebook is "
                f"{out_dir / FAILED_NOTEBOOK}.",
                notebook_path=str(out_dir / FAILED_NOTEBOOK),
                cell_index=exc.cell_index,
                cause=f"{exc.ename}: {exc.evalue}",
            ) from None
        timings["execute"] = time.perf_counter() - started
        step("html")
        started = time.perf_counter()
        html, print_html = WorkbenchHTMLExporter().screen_and_print(nb)
        timings["html"] = time.perf_counter() - started
        if "pdf" in formats:
            step("pdf")
            # printed in a thread (Chromium prints in its own processes) while report.html is written;
            # started already when the notebook's last section ran, if that page is the one to print
            pdf = early.adopt(print_html, step) if early is not None else None
            if pdf is None:
                pdf = PdfJob(print_html, staging / "report.pdf", step, pdf_engine, printer)
        if "html" in formats:
            write_text(staging / "report.html", html)
        if pdf is not None:
            timings["pdf"] = pdf.wait()
        files = _publish(staging, out_dir)
    except OSError as exc:
        if exc.errno not in WRITE_ERRORS:
            raise
        with contextlib.suppress(OSError):  # a half-published folder must not look like a report
            for name in REPORT_FILES:
                (out_dir / name).unlink(missing_ok=True)
        raise _output_error(out_dir, exc) from None
    finally:
        for thread in stopping:
            thread.join()
        if early is not None:
            early.discard()
        if pdf is not None:  # a run that failed while the PDF printed: let it end before the clean-up
            with contextlib.suppress(BaseException):
                pdf.wait()
        if printer is not None and printer is not given_printer:
            printer.close()
        shutil.rmtree(staging, ignore_errors=True)
    return RunResult(out_dir, files, timings)


def _fingerprint(client_dir: Path, config: ClientConfig) -> Fingerprint | None:
    """The files a load of ``client_dir`` reads, as :mod:`workbench.render.preload` compares them; None
    when they cannot be listed (the data check then says why)."""
    from workbench.render import preload

    try:
        return preload.fingerprint(client_dir, config)
    except (OSError, WorkbenchError):
        return None


def _hand_over(kernel: Kernel, client_dir: Path, before: Fingerprint, data: ClientData) -> None:
    """Give the kernel the data the check loaded, so that the notebook does not load it again."""
    from workbench.render import preload

    path = Path(kernel.sockets) / "client-data.pickle"
    try:
        preload.save(path, client_dir, before, data)
    except Exception:  # the notebook loads the data itself
        path.unlink(missing_ok=True)
        return
    kernel.send(f'__import__("workbench.render.preload", fromlist=["_"]).prime({str(path)!r})')


def _refuse_unauditable(client_dir: Path) -> ClientData | None:
    """Refuse, before the notebook starts, what ``workbench check`` refuses (no usable deals, a period
    without data, ...): one clear paragraph and nothing written. Returns the data the check loaded."""
    from workbench.app.check import check_client, error_texts
    from workbench.present.i18n import Messages

    result = check_client(client_dir)
    if result.errors:
        raise DataError(
            str(client_dir),
            "cannot be audited: "
            + "; ".join(error_texts(result, Messages("en")))  # str() is English; the CLI words it
            + ". No report was written (see workbench check)",
        ).worded("cannot_audit", errors=result.errors)
    return result.data


def _clear_refused(out_dir: Path, exc: Exception) -> None:
    """A refused run leaves nothing that looks like a report in an existing output folder: the reports
    of an earlier run there are removed and ``FAILED.txt`` says why."""
    from workbench.io.atomic import write_text

    if not out_dir.is_dir():
        return
    with contextlib.suppress(OSError):
        for name in (*REPORT_FILES, FAILED_NOTEBOOK):
            (out_dir / name).unlink(missing_ok=True)
        write_text(
            out_dir / FAILED_NOTE,
            f"The audit was refused before it started.\n{exc}\nNo report was written.\n",
        )


def _output_error(out_dir: Path, exc: OSError) -> RunError:
    """An output folder that cannot be written (under a regular file, read-only, a full disk)."""
    where = exc.filename or out_dir
    reason = exc.strerror or type(exc).__name__
    return RunError(
        f"Cannot write the report into {out_dir}: {reason} ({where}). Nothing was published there; "
        "choose another --out folder on a writable disk with free space."
    )


def _remove_stale_staging(out_dir: Path) -> None:
    """Remove staging folders of runs into ``out_dir`` whose process is gone (killed, power lost)."""
    prefix = f".{out_dir.name}.partial-"
    for folder in out_dir.parent.glob(f"{glob.escape(prefix)}*"):
        pid = folder.name.removeprefix(prefix)
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)) and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def execute_notebook(
    name: str, output: Path, parameters: dict[str, object], kernel_name: str = "python3"
) -> None:
    """Run one of the project's notebooks (``abc.ipynb``, ...) the way the audit runs its own."""
    _execute(output, parameters, kernel_name, False, name)


def _execute(
    executed: Path,
    parameters: dict[str, object],
    kernel_name: str,
    progress_bar: bool,
    notebook: str = NOTEBOOK_FILE,
    kernel: Kernel | None = None,
    stopping: list[threading.Thread] | None = None,
    on_cell_executed: Callable[..., None] | None = None,
) -> Any:
    """Run a notebook with a per-cell timeout in ``kernel`` (one started by :func:`start_kernel`; by
    default a new one), write it to ``executed`` and return it.

    The kernel is shut down before returning, or, with ``stopping``, in a thread appended to it (the
    caller joins it) and at once: the notebook is written by then, nothing in the kernel needs a graceful
    end, and the tear-down of its modules would take a core from the PDF's printing for half a second."""
    import papermill

    if kernel is None or not kernel.wait_warm():
        if kernel is not None:  # it died while importing: the notebook's first cell shows why in a new one
            kernel.stop(now=True)
        kernel = start_kernel(kernel_name, REPO_ROOT, warm_up=None)
    try:
        return papermill.execute_notebook(
            str(notebook_path(notebook)),
            str(executed),
            parameters=parameters,
            kernel_name=kernel_name,
            km=kernel.km,
            progress_bar=progress_bar,
            cwd=str(REPO_ROOT),
            execution_timeout=CELL_TIMEOUT_SECONDS,
            start_timeout=120,
            request_save_on_cell_execute=False,  # saving the growing notebook after every cell costs seconds
            **({"on_cell_executed": on_cell_executed} if on_cell_executed is not None else {}),
        )
    finally:
        # A kernel manager passed in is not shut down by papermill: stop the kernel here.
        if stopping is None:
            kernel.stop()
        else:
            stopping.append(threading.Thread(target=kernel.stop, kwargs={"now": True}, daemon=True))
            stopping[-1].start()


def _warm_up_renderers(pdf: bool) -> None:
    from workbench.render.exporters import WorkbenchHTMLExporter

    # A failure here surfaces, with its message, when the report is rendered.
    with contextlib.suppress(Exception):
        WorkbenchHTMLExporter().environment.get_template("index.html.j2")
        if pdf:
            import weasyprint  # noqa: F401


def _publish(staging: Path, out_dir: Path) -> dict[str, Path]:
    """Move the finished files into the output folder, one atomic rename each."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in (FAILED_NOTEBOOK, FAILED_NOTE, "report.html", "report.pdf"):
        (out_dir / stale).unlink(missing_ok=True)
    files = {}
    # The report itself last: a folder that holds report.html holds everything that goes with it.
    for name in sorted(REPORT_FILES, key=lambda n: n.startswith("report.")):
        source = staging / name
        if source.exists():
            target = out_dir / name
            os.replace(source, target)
            files[name] = target
    return files


def _keep_failure(staging: Path, out_dir: Path, exc: Exception) -> None:
    """Keep the failed notebook for the analyst and remove anything that looks like a finished report."""
    from workbench.io.atomic import write_text
    from workbench.render.exporters import cell_label

    out_dir.mkdir(parents=True, exist_ok=True)
    for name in REPORT_FILES:
        (out_dir / name).unlink(missing_ok=True)
    failed = staging / NOTEBOOK_FILE
    if failed.exists():
        os.replace(failed, out_dir / FAILED_NOTEBOOK)
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    write_text(
        out_dir / FAILED_NOTE,
        f"The audit failed at {cell_label(exc)} of {NOTEBOOK_FILE}.\n{ename}: {evalue}\n"
        f"No report was written. Open {FAILED_NOTEBOOK} in JupyterLab to see the failing cell.\n",
    )
