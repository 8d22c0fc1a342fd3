"""The ``workbench`` command: thin over the library. Errors are one clear paragraph, not a traceback."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from workbench import __version__
from workbench.errors import ConfigError, DataError, WorkbenchError
from workbench.limits import printable


def step_text(name: str, locale: str = "en") -> str:
    """The terminal line of a run's step in ``locale``; ``pdf_write:12`` carries its number of pages."""
    from workbench.present.i18n import Messages

    t = Messages(locale)
    key, _, value = name.partition(":")
    if not t.has(f"cli.steps.{key}"):
        return name
    return t(f"cli.steps.{key}", pages=int(value) if value.isdigit() else 0)


def _started_at() -> float:
    """``time.perf_counter()`` at the start of this process (Linux: from /proc), so that "Done in" counts
    the whole wait, the interpreter's start and the imports included; else the import of this module."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time after boot
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.perf_counter() - max(uptime - started, 0.0)
    except (OSError, ValueError, IndexError):
        return _IMPORTED


_IMPORTED = time.perf_counter()


def _fail(error: BaseException, locale: str | None = None) -> None:
    """Print an error as one paragraph and exit: 2 for bad configuration or data, 1 otherwise. A workbench
    error is worded in ``locale`` (the client's language) where its message is in the catalogues."""
    if isinstance(error, WorkbenchError):
        prefix, text = "Error", str(error)
        if locale is not None:
            from workbench.present.error_text import error_text
            from workbench.present.i18n import Messages

            t = Messages(locale)
            prefix, text = t("errors.prefix"), error_text(t, error)
        click.echo(click.style(f"{prefix}: ", fg="red", bold=True) + printable(text), err=True)
        sys.exit(2 if isinstance(error, ConfigError | DataError) else 1)
    where = _error_log(error)
    click.echo(
        click.style("Unexpected error: ", fg="red", bold=True)
        + printable(f"{type(error).__name__}: {error}"[:2000])
        + (f". The full traceback is in {where}." if where else ". The traceback could not be saved."),
        err=True,
    )
    sys.exit(1)


def _error_log(error: BaseException) -> Path | None:
    """Save the traceback in a new private file (created exclusively, readable by the user only): a name
    placed in the shared temporary folder beforehand, a link or a folder, is never written through."""
    try:
        fd, name = tempfile.mkstemp(prefix="workbench-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(error)))
    except OSError:
        return None
    return Path(name)


def _language(kwargs: dict[str, Any]) -> str | None:
    """The language of a command's errors: its --locale, else the client's (client.yaml's ``locale``, Russian
    by default, also when client.yaml cannot be read); None for commands without a client folder."""
    if kwargs.get("locale"):
        return str(kwargs["locale"])
    client_dir = kwargs.get("client_dir")
    if client_dir is None:
        return None
    from workbench.config import CONFIG_FILE, load_yaml

    try:
        loaded = load_yaml(Path(client_dir) / CONFIG_FILE)
    except WorkbenchError:  # an unreadable client.yaml is the error being reported
        return "ru"
    locale = loaded.get("locale") if isinstance(loaded, dict) else None
    return locale if locale in ("ru", "en") else "ru"


def _guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except (KeyboardInterrupt, click.Abort):
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except Exception as error:
            _fail(error, _language(kwargs))

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@click.group()
@click.version_option(__version__, prog_name="workbench")
def main() -> None:
    """Sales-system audit workbench: client folders in, HTML and PDF audit reports out."""


@main.command()
@click.argument("client_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder (default: CLIENT_DIR/reports/<date>).",
)
@click.option("--format", "formats", default="html,pdf", show_default=True, help="html, pdf or both.")
@click.option("--locale", type=click.Choice(["ru", "en"]), help="Report language (default: client.yaml).")
@click.option("--as-of", help="Report date YYYY-MM-DD (default: today).")
@click.option("--quiet", is_flag=True, help="Print only the paths of the results.")
@click.option(
    "--anonymize",
    is_flag=True,
    help="Replace manager and customer names by stable pseudonyms in every output (for reports that "
    "leave the consultancy); the key is kept in CLIENT_DIR/anonymization.yaml.",
)
@click.option(
    "--compare",
    is_flag=False,
    flag_value="latest",
    default=None,
    metavar="[PATH/metrics.json]",
    help="Re-audit: add a progress section comparing this run with an earlier run's metrics.json "
    "(without a path: the client's latest earlier run under CLIENT_DIR/reports).",
)
@click.option(
    "--interactive/--no-interactive",
    default=True,
    show_default=True,
    help="The live what-if in report.html (sliders that run in the browser, offline). --no-interactive: "
    "a report with no script at all, for mail filters that strip scripts; the section keeps its static view.",
)
@click.option(
    "--pdf-engine",
    type=click.Choice(["auto", "chromium", "weasyprint"]),
    help="What prints report.pdf: auto (default; also $WORKBENCH_PDF_ENGINE) uses headless Chromium "
    "where one is installed, several times faster, and WeasyPrint otherwise.",
)
@_guarded
def audit(
    client_dir: Path,
    out: Path | None,
    formats: str,
    locale: str | None,
    as_of: str | None,
    quiet: bool,
    anonymize: bool,
    compare: str | None,
    interactive: bool,
    pdf_engine: str | None,
) -> None:
    """Audit CLIENT_DIR and write report.html, report.pdf, metrics.json and the executed notebook."""
    started = _started_at()
    language = _language({"locale": locale, "client_dir": client_dir})

    def step(name: str) -> None:
        if not quiet:
            click.echo(f"• {step_text(name, language or 'en')} …", err=True)

    step("load")
    from workbench.app.run import run_audit

    result = run_audit(
        client_dir,
        out=out,
        formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
        locale=locale,
        as_of=as_of,
        step=step,
        progress_bar=not quiet,
        anonymize=anonymize,
        compare=compare,
        interactive=interactive,
        pdf_engine=pdf_engine,
    )
    if not quiet:
        from workbench.present.i18n import Messages

        seconds = time.perf_counter() - started
        click.echo(Messages(language or "en")("cli.done", seconds=seconds, folder=result.out_dir), err=True)
    for name in ("report.html", "report.pdf", "metrics.json"):
        if name in result.files:
            click.echo(str(result.files[name]))


@main.command()
@click.argument("client_dirs", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--all",
    "all_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Audit every client folder (one with a client.yaml) directly under this folder.",
)
@click.option("--jobs", type=click.IntRange(min=1), help="Clients audited at once (default: one per core).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder: reports into OUT/<client folder>/ and the portfolio into OUT "
    "(default: each CLIENT_DIR/reports/<date>, the portfolio into <clients>/portfolio/<date>).",
)
@click.option(
    "--scheduler",
    help="Run on a Dask cluster: tcp://HOST:8786, or 'local' to start one on this machine "
    '(needs pip install ".[cluster]").',
)
@click.option("--format", "formats", default="html,pdf", show_default=True, help="html, pdf or both.")
@click.option(
    "--locale", type=click.Choice(["ru", "en"]), help="Report language (default: each client.yaml)."
)
@click.option("--as-of", help="Report date YYYY-MM-DD (default: today).")
@click.option("--anonymize", is_flag=True, help="Pseudonyms for manager and customer names, as in audit.")
@click.option(
    "--interactive/--no-interactive", default=True, show_default=True, help="The live what-if, as in audit."
)
@click.option(
    "--pdf-engine",
    type=click.Choice(["auto", "chromium", "weasyprint"]),
    help="What prints the PDFs, as in audit.",
)
@click.option("--quiet", is_flag=True, help="No progress lines; print the table only.")
@_guarded
def batch(
    client_dirs: tuple[Path, ...],
    all_dir: Path | None,
    jobs: int | None,
    out: Path | None,
    scheduler: str | None,
    formats: str,
    locale: str | None,
    as_of: str | None,
    anonymize: bool,
    interactive: bool,
    pdf_engine: str | None,
    quiet: bool,
) -> None:
    """Audit many clients at once, each in its own kernel, and write a portfolio page over them.
    Exit 1 when any client failed (the others are audited all the same)."""
    import datetime as dt

    from workbench.app.batch import find_clients, plan_jobs, portfolio_dir, run_batch
    from workbench.app.batch_view import format_progress, format_table
    from workbench.parameters import parse_as_of

    folders = list(client_dirs) + (find_clients(all_dir) if all_dir else [])
    report_date = parse_as_of(as_of) or dt.date.today()
    planned = plan_jobs(
        folders,
        report_date,
        out=out,
        formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
        locale=locale,
        anonymize=anonymize,
        interactive=interactive,
        pdf_engine=pdf_engine,
    )
    target = portfolio_dir(folders, report_date, out)
    if not quiet:
        where = f"Dask scheduler {scheduler}" if scheduler else f"{jobs} jobs" if jobs else "one job per core"
        click.echo(f"Auditing {len(planned)} clients ({where}) …", err=True)
    result = run_batch(
        planned,
        target,
        workers=jobs,
        scheduler=scheduler,
        locale=locale,
        on_done=None if quiet else lambda progress: click.echo(format_progress(progress), err=True),
    )
    click.echo(format_table(result.outcomes))
    for path in result.portfolio.values():
        click.echo(str(path))
    if not quiet:
        click.echo(
            f"Done in {result.seconds:.1f} s: {len(result.outcomes) - len(result.failed)} audited, "
            f"{len(result.failed)} failed.",
            err=True,
        )
    if result.failed:
        sys.exit(1)


@main.command("new-client")
@click.argument("name")
@click.option(
    "--dir",
    "clients_dir",
    default="clients",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder that holds client folders.",
)
@click.option("--slug", help="Folder name (default: transliterated NAME).")
@_guarded
def new_client(name: str, clients_dir: Path, slug: str | None) -> None:
    """Create a client folder with a commented client.yaml and a blank intake.yaml."""
    from workbench.app.scaffold import new_client as scaffold

    folder = scaffold(name, clients_dir, slug)
    click.echo(
        f"Created {folder}. Put the client's exports into {folder / 'data'}, edit "
        f"{folder / 'client.yaml'}, then run: workbench check {folder}"
    )


@main.command()
@click.argument("client_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--locale",
    type=click.Choice(["en", "ru"]),
    default=None,
    help="Language of the summary (default: the client's, from client.yaml).",
)
@_guarded
def check(client_dir: Path, locale: str | None) -> None:
    """Validate client.yaml and the data files; print how each file was read and a data-quality summary
    (rows read, used and quarantined, every reason with examples and what it does to the conclusions).
    Exit 2 on errors."""
    from workbench.app.check import check_client, format_check

    result = check_client(client_dir)
    click.echo(printable(format_check(result, locale)))
    if result.errors:
        sys.exit(2)


@main.group()
def intake() -> None:
    """The audit questionnaire: export it as an Excel workbook for the client, import the filled one."""


@intake.command("export")
@click.argument("client_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: CLIENT_DIR/intake.xlsx."
)
@click.option("--locale", type=click.Choice(["ru", "en"]), help="Language (default: client.yaml).")
@click.option("--force", is_flag=True, help="Overwrite an existing workbook.")
@_guarded
def intake_export(client_dir: Path, out: Path | None, locale: str | None, force: bool) -> None:
    """Write the questionnaire, with the answers so far, as an XLSX workbook: an instructions sheet, a
    sheet per layer, drop-down answers, protected question cells."""
    from workbench.app.intake_cmd import export_intake

    click.echo(str(export_intake(client_dir, out, locale, force)))


@intake.command("import")
@click.argument("client_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Also apply answers that change existing ones.")
@_guarded
def intake_import(client_dir: Path, workbook: Path, yes: bool) -> None:
    """Read a filled questionnaire WORKBOOK into CLIENT_DIR/intake.yaml. New answers are saved; answers
    that change existing ones are listed and applied only with --yes."""
    from workbench.app.intake_cmd import describe, import_intake

    click.echo(describe(import_intake(client_dir, workbook, yes), client_dir))


@main.command()
@click.argument("dest", default="clients/demo", type=click.Path(file_okay=False, path_type=Path))
@_guarded
def demo(dest: Path) -> None:
    """(Re)generate the demo client's files into DEST (deterministic)."""
    from workbench.demo.generate import generate_demo

    click.echo(str(generate_demo(dest)))


def entry() -> None:
    """The ``workbench`` command: :func:`main`, then straight out of the process once it has said how it
    ended. Everything is written and closed by then (outputs published, kernel and browser stopped);
    Python's own tear-down of the modules an audit loads would add a third of a second to every run."""
    try:
        main()
    except SystemExit as ended:
        code = ended.code
        if code is not None and not isinstance(code, int):
            click.echo(code, err=True)
            code = 1
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code or 0)


if __name__ == "__main__":
    entry()
