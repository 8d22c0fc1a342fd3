"""PDF from the report's HTML with WeasyPrint (pure pip; paged media: A4, running headers, page numbers)."""

from __future__ import annotations

import logging


def html_to_pdf(html: str) -> bytes:
    """Render the self-contained report HTML to PDF bytes."""
    import weasyprint

    # WeasyPrint reports every CSS property it does not support; the report's CSS is written for it,
    # and the remaining notices (screen-only rules) are noise for a consultant.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    document = weasyprint.HTML(string=html, base_url=None)
    return document.write_pdf(uncompressed_pdf=False)
