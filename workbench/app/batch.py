"""Many audits at once: a local process pool or a Dask cluster, each client in its own kernel.

Every client is one :func:`run_job`, which calls :func:`workbench.app.run.run_audit` exactly as
``workbench audit`` does: a fresh kernel, its own staging folder, an atomic publish. So a batch writes
the same files as the clients audited one after another. A job never raises: a failure comes back as a
:class:`JobOutcome` that names the failing cell, and the other clients go on.

Locally the jobs run on a pool of worker processes (one per core by default); a worker stays alive
between clients, so the renderers it has loaded are reused, while each client still gets a new kernel.
With Dask the same jobs go to a cluster's workers, which must see the client folders (and the output
folder) under the same paths; only the small outcome objects travel back.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import resource
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.analysis.portfolio import PortfolioRow, failed_row, portfolio_row
from workbench.config import load_config
from workbench.errors import ConfigError, DataError, RunError, WorkbenchError
from workbench.io.reports import previous_metrics, read_metrics
from workbench.render.ahead import ENV as SECTIONS_AHEAD

if TYPE_CHECKING:
    from workbench.app.zygote import KernelZygote
    from workbench.render.pdf_chromium import ChromiumPrinter
    from workbench.render.vega_server import VegaServer

LOCAL_SCHEDULER = "local"
PORTFOLIO_FOLDER = "portfolio"


@dataclass(frozen=True)
class BatchJob:
    """One client to audit, with the options of the batch."""

    client_dir: Path
    slug: str
    out: Path | None
    as_of: dt.date
    formats: tuple[str, ...] = ("html", "pdf")
    locale: str | None = None
    anonymize: bool = False
    interactive: bool = True
    pdf_engine: str | None = None


@dataclass(frozen=True)
class JobOutcome:
    """What one client's audit produced, or why it failed."""

    slug: str
    client_dir: Path
    ok: bool
    seconds: float
    out_dir: Path | None = None
    files: dict[str, Path] = field(default_factory=dict)
    error: str | None = None
    cell_index: int | None = None
    failed_notebook: Path | None = None
    worker: str = ""
    worker_peak_mb: float | None = None
    kernel_peak_mb: float | None = None

    @property
    def report(self) -> Path | None:
        """The report a reader opens: the HTML, else the PDF."""
        return self.files.get("report.html") or self.files.get("report.pdf")

    @property
    def metrics(self) -> Path | None:
        return self.files.get("metrics.json")


@dataclass(frozen=True)
class Progress:
    """Counts for the progress display after each finished client."""

    total: int
    done: int
    failed: int
    running: int
    last: JobOutcome


OnDone = Callable[[Progress], None]


def find_clients(folder: Path) -> list[Path]:
    """The client folders directly under ``folder`` (those with a client.yaml), sorted by name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConfigError(str(folder), ["--all: expected a folder that holds client folders"])
    return sorted(p for p in folder.iterdir() if p.is_dir() and (p / "client.yaml").is_file())


def plan_jobs(
    client_dirs: Sequence[Path],
    as_of: dt.date,
    out: Path | None = None,
    formats: tuple[str, ...] = ("html", "pdf"),
    locale: str | None = None,
    anonymize: bool = False,
    interactive: bool = True,
    pdf_engine: str | None = None,
) -> list[BatchJob]:
    """One job per client folder; with ``out`` each client's reports go to ``out/<slug>/``.

    The slug is client.yaml's ``slug`` (by default the folder's name); a client whose client.yaml does
    not load keeps its folder's name, so that it still gets its own output folder and a row in the table.
    Two clients with the same slug cannot share a batch.
    """
    jobs: list[BatchJob] = []
    seen: dict[str, Path] = {}
    for raw in client_dirs:
        client_dir = Path(raw).resolve()
        slug = _slug(client_dir)
        if slug in seen:
            raise ConfigError(
                str(client_dir),
                [f"two clients have the slug {slug!r} ({seen[slug]} and {client_dir}); change one"],
            )
        seen[slug] = client_dir
        target = Path(out).resolve() / slug if out else None
        jobs.append(
            BatchJob(
                client_dir, slug, target, as_of, tuple(formats), locale, anonymize, interactive, pdf_engine
            )
        )
    if not jobs:
        raise ConfigError("batch", ["expected at least one client folder (CLIENT_DIR ... or --all FOLDER)"])
    return jobs


def _slug(client_dir: Path) -> str:
    """client.yaml's slug, or the folder's name when client.yaml does not load (the audit then fails
    with the reason)."""
    try:
        return load_config(client_dir).slug or client_dir.name
    except Exception:  # any reason is reported by the client's audit, in the table
        return client_dir.name


def run_job(job: BatchJob) -> JobOutcome:
    """Audit one client; any failure is returned, never raised, so that the other clients go on."""
    from workbench.app.run import default_out_dir, run_audit

    started = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        result = run_audit(
            job.client_dir,
            printer=_worker_printer(job),
            renderer=_worker_renderer(),
            zygote=_worker_zygote(),
            out=job.out,
            formats=job.formats,
            locale=job.locale,
            as_of=job.as_of,
            anonymize=job.anonymize,
            interactive=job.interactive,
            pdf_engine=job.pdf_engine,
        )
    except Exception as error:
        out_dir = job.out or default_out_dir(job.client_dir, job.as_of)
        notebook = getattr(error, "notebook_path", None)
        message = str(error) if isinstance(error, WorkbenchError) else f"{type(error).__name__}: {error}"
        return JobOutcome(
            job.slug,
            job.client_dir,
            ok=False,
            seconds=time.perf_counter() - started,
            out_dir=out_dir,
            error=message,
            cell_index=getattr(error, "cell_index", None),
            failed_notebook=Path(notebook) if notebook else None,
            worker=worker,
            **_peaks(),
        )
    return JobOutcome(
        job.slug,
        job.client_dir,
        ok=True,
        seconds=time.perf_counter() - started,
        out_dir=result.out_dir,
        files=dict(result.files),
        worker=worker,
        **_peaks(),
    )


_printer: list[ChromiumPrinter] = []  # this worker process's, once started


def _worker_printer(job: BatchJob) -> ChromiumPrinter | None:
    """This worker's Chromium for the PDFs, started for its first client and kept for the next ones (each
    page is printed in a browser context of its own); None when WeasyPrint prints. Closed at the worker's
    exit."""
    from workbench.render.pdf import pdf_engine, start_printer

    if "pdf" not in job.formats or pdf_engine(job.pdf_engine) != "chromium":
        return None
    if not _printer:
        _printer.append(start_printer(job.pdf_engine))
    return _printer[0]


_renderer: list[VegaServer | None] = []  # this worker process's what-if renderer, once started


def _worker_renderer() -> VegaServer | None:
    """This worker's what-if renderer process, started for its first client and kept for the next ones (a
    drawing is a pure function of its specification); it ends with the worker."""
    from workbench.render.vega_server import start_renderer

    return _kept(_renderer, start_renderer)


_zygote: list[KernelZygote | None] = []  # this worker process's kernel template, once started


def _worker_zygote() -> KernelZygote | None:
    """This worker's kernel template (see :mod:`workbench.app.zygote`), started for its first client and
    kept for the next ones: each client's kernel is forked from it, a process of its own; None where
    kernels cannot be forked (they then start the usual way)."""
    from workbench.app.kernel import KERNEL_THREAD_LIMITS
    from workbench.app.zygote import KernelZygote, supported

    def start() -> KernelZygote | None:
        if not supported():
            return None
        try:
            return KernelZygote({**KERNEL_THREAD_LIMITS, **os.environ})
        except OSError:
            return None

    return _kept(_zygote, start)


def _kept(kept: list[Any], start: Callable[[], Any]) -> Any:
    """A worker's helper process kept in ``kept``: started for its first client, started again when none
    could be started or it has gone."""
    if kept and (kept[0] is None or not kept[0].alive):
        kept.clear()
    if not kept:
        kept.append(start())
    return kept[0]


def _peaks() -> dict[str, float]:
    """Peak resident memory so far of this worker process and of the largest kernel it has run (MB)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    kernels = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    forked = _zygote[0].kernel_peak_mb() if _zygote and _zygote[0] is not None else None
    return {
        "worker_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale,
        "kernel_peak_mb": max(kernels, forked or 0.0),  # the template's kernels are its children
    }


def default_jobs() -> int:
    """One job per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_local(
    jobs: Sequence[BatchJob], workers: int | None = None, on_done: OnDone | None = None
) -> list[JobOutcome]:
    """Run the jobs on a pool of ``workers`` processes; outcomes in the order of ``jobs``."""
    workers = max(1, min(workers or default_jobs(), len(jobs)))
    if workers == 1:
        return _collect(jobs, ((job, _call(run_job, job)) for job in jobs), 1, on_done)
    # spawn, not fork: a worker starts clean, without the threads or state of this process
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_sections_alone) as pool:
        futures = {pool.submit(run_job, job): job for job in jobs}
        finished = ((futures[f], _call(f.result)) for f in as_completed(futures))
        return _collect(jobs, finished, workers, on_done)


def _sections_alone() -> None:
    """A pool worker's start: the batch's clients fill the cores, so each kernel renders its report's
    sections itself, without a forked helper (see :mod:`workbench.render.ahead`)."""
    os.environ[SECTIONS_AHEAD] = "0"


def run_dask(
    jobs: Sequence[BatchJob], scheduler: str, workers: int | None = None, on_done: OnDone | None = None
) -> list[JobOutcome]:
    """Send the jobs to the Dask scheduler at ``scheduler`` (``tcp://HOST:8786``), or to a new
    ``LocalCluster`` of ``workers`` single-threaded processes on this machine for ``local``."""
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise RunError(
            f"--scheduler {scheduler}: Dask distributed is not installed; install the optional extra with "
            'pip install ".[cluster]"'
        ) from None
    cluster = None
    if scheduler == LOCAL_SCHEDULER:
        cluster = LocalCluster(
            n_workers=max(1, min(workers or default_jobs(), len(jobs))),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=30)
        except OSError as error:
            raise RunError(f"--scheduler {scheduler}: cannot reach the Dask scheduler ({error})") from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        futures = {
            client.submit(run_job, job, key=f"audit-{job.slug}-{uuid.uuid4().hex[:12]}", pure=False): job
            for job in jobs
        }
        finished = ((futures[f], _call(f.result)) for f in dask_completed(futures))
        return _collect(jobs, finished, slots, on_done)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _call(func: Callable[..., JobOutcome], *args: object) -> JobOutcome | BaseException:
    """The job's outcome, or the exception of a worker that died under it (memory, a killed process)."""
    try:
        return func(*args)
    except Exception as error:
        return error


def _collect(
    jobs: Sequence[BatchJob],
    finished: Iterable[tuple[BatchJob, JobOutcome | BaseException]],
    slots: int,
    on_done: OnDone | None,
) -> list[JobOutcome]:
    outcomes: dict[str, JobOutcome] = {}
    failed = 0
    for job, result in finished:
        if isinstance(result, BaseException):
            result = JobOutcome(
                job.slug,
                job.client_dir,
                ok=False,
                seconds=0.0,
                out_dir=job.out,
                error=f"the worker running this client stopped: {type(result).__name__}: {result}",
            )
        outcomes[job.slug] = result
        failed += not result.ok
        if on_done:
            left = len(jobs) - len(outcomes)
            on_done(Progress(len(jobs), len(outcomes), failed, min(slots, left), result))
    return [outcomes[job.slug] for job in jobs]


def portfolio_dir(client_dirs: Sequence[Path], as_of: dt.date, out: Path | None) -> Path:
    """Where the portfolio goes: ``out``, else ``<folder of the clients>/portfolio/<date>/``."""
    if out:
        return Path(out).resolve()
    parents = sorted({Path(c).resolve().parent for c in client_dirs})
    if len(parents) > 1:
        raise ConfigError(
            "batch",
            [
                f"--out: the client folders are in {len(parents)} different folders "
                f"({', '.join(map(str, parents[:3]))}); say where the portfolio goes with --out DIR"
            ],
        )
    base = parents[0] if parents else Path.cwd()
    return base / PORTFOLIO_FOLDER / as_of.isoformat()


@dataclass(frozen=True)
class BatchResult:
    """The outcome of every client, in the order given, and the portfolio's files."""

    outcomes: list[JobOutcome]
    portfolio: dict[str, Path]
    seconds: float

    @property
    def failed(self) -> list[JobOutcome]:
        return [o for o in self.outcomes if not o.ok]


def portfolio_rows(outcomes: Sequence[JobOutcome], as_of: dt.date) -> list[PortfolioRow]:
    """One portfolio row per client: its new metrics.json against its previous audit's."""
    rows = []
    for outcome in outcomes:
        if not outcome.ok or outcome.metrics is None:
            notebook = str(outcome.failed_notebook) if outcome.failed_notebook else None
            rows.append(failed_row(outcome.slug, outcome.error or "no metrics.json was written", notebook))
            continue
        try:
            document = read_metrics(outcome.metrics)
        except DataError as error:
            rows.append(failed_row(outcome.slug, str(error)))
            continue
        previous = previous_metrics(outcome.client_dir, as_of, exclude=outcome.out_dir)
        report = outcome.report
        rows.append(
            portfolio_row(document, previous[1] if previous else None, str(report) if report else None)
        )
    return rows


def run_batch(
    jobs: Sequence[BatchJob],
    portfolio: Path,
    workers: int | None = None,
    scheduler: str | None = None,
    locale: str | None = None,
    on_done: OnDone | None = None,
) -> BatchResult:
    """Audit every job's client (locally, or on the Dask ``scheduler``), then write the portfolio page
    and CSV into ``portfolio``."""
    from workbench.render.portfolio import write_portfolio

    started = time.perf_counter()
    outcomes = run_dask(jobs, scheduler, workers, on_done) if scheduler else run_local(jobs, workers, on_done)
    as_of = jobs[0].as_of
    files = write_portfolio(portfolio, portfolio_rows(outcomes, as_of), locale or "ru", as_of)
    return BatchResult(outcomes, files, time.perf_counter() - started)
