"""Every PDF the app makes is written here, from HTML, so each one is the same kind of file: a
tagged PDF/UA-1 document laid out by WeasyPrint and finished by `common.pdfua` (table header
scopes, link descriptions, page furniture as artifacts), set in the one font stack of
common/static/common/fonts.css. The HTML must carry ``lang`` on its root and a ``<title>``: they
become the document language and the title a reader shows.

Making a PDF never touches the network: the HTML links its stylesheet by its static path
(``<link rel="stylesheet" href="reports/report.css">``), relative URLs resolve against
`STATIC_BASE_URL`, and the fetcher reads only the app's own static files (through the
staticfiles finders, so `@import url("../common/fonts.css")` works in print as on screen).
"""

from __future__ import annotations

import mimetypes
import posixpath

from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse

from . import pdfua

PDF_VARIANT = "pdf/ua-1"
# A host that can never resolve (RFC 2606), standing for the static folder.
STATIC_BASE_URL = "https://static.invalid/"


class StaticFilesOnly(URLFetcher):
    """Serves the app's static files, and refuses every other URL."""

    def fetch(self, url, headers=None):
        path = posixpath.normpath(url.split("?", 1)[0].removeprefix(STATIC_BASE_URL))
        try:
            found = finders.find(path) if url.startswith(STATIC_BASE_URL) else None
        except SuspiciousFileOperation:  # "../.." or an absolute path: outside the static files
            found = None
        if not found:
            raise ValueError(f"PDFs load only the app's own static files, not {url}")
        with open(found, "rb") as file:
            body = file.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def html_to_pdf(*, html: str) -> tuple[bytes, int]:
    """The PDF made from `html`, and its page count."""
    document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticFilesOnly()).render(
        pdf_variant=PDF_VARIANT
    )
    pdf = pdfua.finish(document.write_pdf(pdf_variant=PDF_VARIANT), html=html)
    return pdf, len(document.pages)
