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
import io
import logging
import mimetypes
import re
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


# "/x12 Do": the content stream operator that draws the XObject named x12.
_XOBJECT_DO = re.compile(rb"/([^\s/\[\]<>(){}%]+)\s+Do\b")


class PageFiles:
    """Pages of one PDF, each as a PDF file of its own: `PageFiles(data).page_file(i,
    title=...)`. A page's file holds the objects that page draws (its content, its images,
    the fonts and graphics states it refers to) and nothing else of the document.

    Every object is written out once per document and its bytes are reused for each page
    that refers to it (the fonts of a WeasyPrint document are shared by all its pages), and
    objects keep the document's numbers, so no object is copied or renumbered per page:
    splitting costs the same per page whatever the document's size. pypdf does the parsing
    and writes each object; this class only lays the file out (objects, cross-reference
    table with one section per run of numbers, trailer)."""

    def __init__(self, data):
        from pypdf import PdfReader

        self.reader = PdfReader(io.BytesIO(data))
        self.pages = self.reader.pages
        self.header = self.reader.pdf_header.encode("ascii")
        self.first_new = int(self.reader.trailer["/Size"])  # numbers from here are free
        self._written = {}  # object number -> its bytes, "N 0 obj ... endobj"
        self._refs = {}  # object number -> object numbers it refers to

    def page_file(self, index, *, title, author=PDF_AUTHOR):
        from pypdf.generic import (
            ArrayObject,
            DictionaryObject,
            IndirectObject,
            NameObject,
            NumberObject,
            create_string_object,
        )

        page = self.pages[index]
        # The page keeps its number (anything pointing back at it finds the new one); the
        # page tree, catalog and information dictionary are new, after the last number.
        page_number = page.indirect_reference.idnum
        pages_number, catalog_number, info_number = range(self.first_new, self.first_new + 3)
        own = DictionaryObject(
            {k: v for k, v in page.items() if k not in ("/Parent", "/Resources")}
        )
        own[NameObject("/Resources")] = _own_resources(page)
        own[NameObject("/Parent")] = IndirectObject(pages_number, 0, None)
        objects = {}
        for number in sorted(self._reachable(own, page_number=page_number)):
            objects[number] = self._object_bytes(number)
        new = {
            page_number: own,
            pages_number: DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Pages"),
                    NameObject("/Kids"): ArrayObject([IndirectObject(page_number, 0, None)]),
                    NameObject("/Count"): NumberObject(1),
                }
            ),
            catalog_number: DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Catalog"),
                    NameObject("/Pages"): IndirectObject(pages_number, 0, None),
                }
            ),
            info_number: DictionaryObject(
                {
                    NameObject("/Title"): create_string_object(title),
                    NameObject("/Author"): create_string_object(author),
                }
            ),
        }
        for number, obj in new.items():
            objects[number] = _serialise(number, obj)
        out = io.BytesIO()
        out.write(self.header + b"\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for number, data in objects.items():
            offsets[number] = out.tell()
            out.write(data)
        xref = out.tell()
        out.write(b"xref\n0 1\n0000000000 65535 f \n")
        numbers = sorted(offsets)
        run_start = 0
        for i in range(1, len(numbers) + 1):
            if i == len(numbers) or numbers[i] != numbers[i - 1] + 1:
                run = numbers[run_start:i]
                out.write(f"{run[0]} {len(run)}\n".encode())
                out.write(b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in run))
                run_start = i
        out.write(
            f"trailer\n<< /Size {info_number + 1} /Root {catalog_number} 0 R "
            f"/Info {info_number} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
        )
        return out.getvalue()

    def _object_bytes(self, number):
        if number not in self._written:
            self._written[number] = _serialise(number, self.reader.get_object(number))
        return self._written[number]

    def _reachable(self, obj, *, page_number):
        """Numbers of the document's objects that `obj` (the new page) refers to, directly
        or not; never the old page (its /Parent leads to every page)."""
        found, todo = {page_number}, list(_refs_in(obj))
        while todo:
            number = todo.pop()
            if number in found or number >= self.first_new:
                continue
            found.add(number)
            if number not in self._refs:
                self._refs[number] = _refs_in(self.reader.get_object(number))
            todo.extend(self._refs[number])
        return found - {page_number}


def _refs_in(obj):
    """Object numbers referred to inside `obj` (a direct object: dictionary, array...)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found, todo = [], [obj]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            found.append(item.idnum)
        elif isinstance(item, DictionaryObject):  # streams too: their dictionary
            todo.extend(item.values())
        elif isinstance(item, ArrayObject):
            todo.extend(item)
    return found


def _serialise(number, obj):
    out = io.BytesIO()
    out.write(f"{number} 0 obj\n".encode())
    obj.write_to_stream(out)
    out.write(b"\nendobj\n")
    return out.getvalue()


def _own_resources(page):
    """The page's resources with only the XObjects its content draws: WeasyPrint gives
    all pages of a document one shared /Resources dictionary holding every page's
    XObjects (a page's file would otherwise carry the whole document's images)."""
    from pypdf.generic import DictionaryObject, NameObject

    resources = page["/Resources"].get_object()
    own = DictionaryObject(resources)
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        contents = page.get_contents()
        drawn = _XOBJECT_DO.findall(contents.get_data()) if contents is not None else []
        used = {f"/{name.decode('latin-1')}" for name in drawn}
        own[NameObject("/XObject")] = DictionaryObject(
            {NameObject(k): v for k, v in xobjects.get_object().items() if k in used}
        )
    return own
