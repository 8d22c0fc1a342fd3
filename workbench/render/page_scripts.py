"""The scripts of the HTML report and its Content-Security-Policy.

A report with the live what-if carries two inline scripts: the Vega runtime (the bundle shipped inside
``vl-convert-python``, the same Vega that draws the PDF's static twin) and the page script that runs the
section (``page/whatif.js``). Nothing is fetched: the policy in the page's ``<meta>`` allows only these
two scripts by their hashes, no remote source of any kind and no ``eval``. A report without the live
what-if (``--no-interactive``, the PDF) has no script at all and a policy that forbids them.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from functools import cache
from pathlib import Path

from workbench.io.atomic import write_text
from workbench.present.whatif_section import VEGA_LITE_VERSION

LIVE_MARKER = "data-wb-live"
PAGE_SCRIPT = Path(__file__).with_name("page") / "whatif.js"
# The bundle needs only what the page calls: vegaEmbed (which brings Vega, Vega-Lite and the expression
# interpreter that lets the page run under a policy without eval).
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed;"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sales-audit-workbench"


@cache
def vega_bundle() -> str:
    """The Vega runtime as one script, built once per version of the renderer and kept in the user's
    cache folder (building it takes a few seconds)."""
    import vl_convert

    path = _cache_dir() / f"vega-embed-{vl_convert.__version__}-vl{VEGA_LITE_VERSION}.js"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle(BUNDLE_SNIPPET, vl_version=VEGA_LITE_VERSION)
    if "</script" in bundle.lower() or "<!--" in bundle:
        raise RuntimeError("the Vega bundle cannot be inlined: it contains a closing script tag")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, bundle)
    except OSError:
        pass  # a read-only home: build it again next time
    return bundle


def _hash(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def policy(scripts: list[str]) -> str:
    """The page's Content-Security-Policy: the given inline scripts by hash, nothing remote."""
    script_src = " ".join(_hash(s) for s in scripts) if scripts else "'none'"
    return (
        f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; img-src data: blob:; "
        "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    )


def finish_page(html: str, *, live: bool) -> str:
    """Add the policy and, when ``live`` and the page has the live what-if, its two scripts."""
    scripts = []
    if live and LIVE_MARKER in html:
        scripts = [vega_bundle(), PAGE_SCRIPT.read_text(encoding="utf-8")]
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(scripts)}">'
    head = re.search(r"<head[^>]*>", html)
    if head is None:
        raise ValueError("the report's HTML has no <head>")
    html = html[: head.end()] + "\n" + meta + html[head.end() :]
    if scripts:
        tags = "".join(f"<script>{s}</script>\n" for s in scripts)
        at = html.rindex("</body>")
        html = html[:at] + tags + html[at:]
    return html
