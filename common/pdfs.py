"""Every PDF the app makes is written here, from HTML, so each one is the same kind of file: a
tagged PDF/UA-1 document laid out by WeasyPrint and finished by `common.pdfua` (table header
scopes, link descriptions, page furniture as artifacts). The HTML must carry ``lang`` on its
root and a ``<title>``: they become the document language and the title a reader shows.
"""

from __future__ import annotations

from weasyprint import HTML, URLFetcher

from . import pdfua

PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(
    *, html: str, base_url: str, url_fetcher: URLFetcher | None = None
) -> tuple[bytes, int]:
    """The PDF made from `html`, and its page count."""
    document = HTML(string=html, base_url=base_url, url_fetcher=url_fetcher).render(
        pdf_variant=PDF_VARIANT
    )
    pdf = pdfua.finish(document.write_pdf(pdf_variant=PDF_VARIANT), html=html)
    return pdf, len(document.pages)
