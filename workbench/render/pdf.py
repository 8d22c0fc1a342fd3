"""PDF from the report's HTML with WeasyPrint (pure pip; paged media: A4, running headers, page numbers)."""

from __future__ import annotations

import logging
from collections.abc import Callable


def html_to_pdf(html: str, progress: Callable[[str], None] | None = None) -> bytes:
    """Render the self-contained report HTML to PDF bytes; ``progress`` hears ``pdf_layout`` before the
    pages are laid out and ``pdf_write:<pages>`` before they are written."""
    import weasyprint

    # WeasyPrint reports every CSS property it does not support; the report's CSS is written for it,
    # and the remaining notices (screen-only rules) are noise for a consultant.
    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if progress:
        progress("pdf_layout")
    document = weasyprint.HTML(string=html, base_url=None).render()
    if progress:
        progress(f"pdf_write:{len(document.pages)}")
    return document.write_pdf(uncompressed_pdf=False)
