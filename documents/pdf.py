"""HTML to PDF with WeasyPrint, reading only the project's own static files.

URL scheme for print templates: the document's base URL is the project's `static/`
folder, so write URLs RELATIVE to `static/`:

    <link rel="stylesheet" href="css/print-base.css">
    <img src="img/kop-jambi.png">

and inside a stylesheet relative to that stylesheet (`url("../fonts/X.ttf")`).
Do not use `{% static %}` in print templates (it yields `/static/...`, an absolute path
outside the folder, which is refused). `data:` URLs (e.g. a QR code rendered in memory)
are allowed. Anything else — http(s), ftp, a file outside `static/` — is refused with a
logged warning, so a document can never make the server fetch from the network or read
arbitrary files (an RT chair's name like `<img src="file:///etc/passwd">` is inert).

`print-base.css` sets the fonts (Liberation Serif/Sans), A4 pages with numbers, tables
that repeat their header and keep rows whole, and a named `landscape` page for annexes
(`.landscape { page: landscape }`). For F4 paper add `<body class="f4">`... see the CSS.

PDF metadata comes from the HTML head: `<title>`, `<meta name="author">`,
`<meta name="description">`, `<meta name="keywords">`, `<meta name="dcterms.created">`.
"""

import base64
import functools
import hashlib
import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

STATIC_DIR = Path(settings.BASE_DIR) / "static"
PDF_AUTHOR = "Pemerintah Kota Jambi"


class StaticOnlyURLFetcher(URLFetcher):
    """Serves files under `static/` and data: URLs; refuses everything else."""

    def __init__(self, root=STATIC_DIR):
        super().__init__(allowed_protocols={"file", "data"})
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            logger.warning("PDF: alamat ditolak (bukan berkas static): %s", url)
            raise ValueError(f"URL refused (only static files): {url}")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            logger.warning("PDF: berkas ditolak (di luar folder static): %s", url)
            raise ValueError(f"File refused (outside static/ or missing): {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(
            path.as_uri(), path.read_bytes(), headers={"Content-Type": content_type}
        )


def html_to_pdf(html: str, *, pdf_variant=None) -> bytes:
    """Render `html` (URLs relative to static/) to PDF bytes. `pdf_variant` is passed to
    WeasyPrint, e.g. "pdf/a-3b" for archival copies."""
    document = HTML(
        string=html,
        base_url=STATIC_DIR.as_uri() + "/",
        url_fetcher=StaticOnlyURLFetcher(),
    )
    options = {}
    if pdf_variant:
        options["pdf_variant"] = pdf_variant
    return document.write_pdf(**options)


# Print resolution for raster images: 300 dots per inch.
PRINT_DPI = 300


def emblem_png_data_uri(svg_path, *, height_mm):
    """An emblem SVG rasterised once to PNG at print resolution, as a data: URL. WeasyPrint
    parses an SVG again on every page it is drawn on; a PNG costs almost nothing per page.
    Cached per file version (path, modification time): a replaced file is drawn anew."""
    path = Path(svg_path).resolve()
    return _rasterised(str(path), path.stat().st_mtime_ns, round(height_mm / 25.4 * PRINT_DPI))


@functools.lru_cache(maxsize=16)
def _rasterised(path, mtime_ns, height_px):
    import cairosvg

    png = cairosvg.svg2png(url=path, output_height=height_px, unsafe=False)
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
