"""documents.pdf.PageFiles: each page of a WeasyPrint document as a file of its own, with
only the objects that page draws, readable by a strict reader."""

import io

import segno
from pypdf import PdfReader

from documents.pdf import PageFiles, html_to_pdf


def document(pages):
    body = "".join(
        f'<section style="break-after: page"><p>Halaman {n}</p>'
        f'<img src="{segno.make(f"halaman {n}").png_data_uri()}"></section>'
        for n in range(1, pages + 1)
    )
    return html_to_pdf(f"<html><head><title>Uji</title></head><body>{body}</body></html>")


def images_of(page):
    xobjects = page["/Resources"].get_object().get("/XObject") or {}
    return len(xobjects)


def test_each_page_file_is_that_page_alone_with_its_title():
    pages = PageFiles(document(3))

    for index in range(3):
        data = pages.page_file(index, title=f"Piagam Penghargaan – RT {index + 1:02d}")

        reader = PdfReader(io.BytesIO(data), strict=True)
        assert len(reader.pages) == 1
        assert f"Halaman {index + 1}" in reader.pages[0].extract_text()
        assert images_of(reader.pages[0]) == 1  # its own QR, not the other pages'
        assert reader.metadata.title == f"Piagam Penghargaan – RT {index + 1:02d}"
        assert reader.metadata.author == "Pemerintah Kota Jambi"


def test_a_page_file_does_not_grow_with_the_document():
    small = PageFiles(document(2)).page_file(0, title="a")
    large = PageFiles(document(30)).page_file(0, title="a")

    assert len(large) < len(small) * 1.2
