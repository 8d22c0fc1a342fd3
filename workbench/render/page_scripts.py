"""The scripts of the HTML report and its Content-Security-Policy.

A report with the live what-if carries three inline scripts: the Vega runtime (``page/vendor``: Vega's own
``vega.min.js`` and the interpreter of its expressions, the same Vega version that draws the PDF's static
twin inside ``vl-convert-python``) and the page script that runs the section (``page/whatif.js``).
Nothing is fetched: the policy in the page's ``<meta>`` allows only these scripts by their hashes, no remote
source of any kind and no ``eval`` (the interpreter evaluates the expressions without it). A report without
the live what-if (``--no-interactive``, the PDF) has no script at all and a policy that forbids them.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

LIVE_MARKER = "data-wb-live"
PAGE = Path(__file__).with_name("page")
VEGA_VERSION = "6.2.0"
RUNTIME = (f"vendor/vega-{VEGA_VERSION}.min.js", "vendor/vega-interpreter-2.2.1.js", "whatif.js")


@cache
def live_scripts() -> tuple[str, ...]:
    """The live what-if's scripts, in the order the page runs them."""
    scripts = tuple((PAGE / name).read_text(encoding="utf-8") for name in RUNTIME)
    for name, script in zip(RUNTIME, scripts, strict=True):
        if "</script" in script.lower() or "<!--" in script:
            raise RuntimeError(f"{name} cannot be inlined: it contains a closing script tag or a comment")
    return scripts


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
    """Add the policy and, when ``live`` and the page has the live what-if, its scripts."""
    scripts = []
    if live and LIVE_MARKER in html:
        scripts = list(live_scripts())
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
