"""QR codes printed on decrees and certificates, made locally with segno: inline SVG for
pages and the decree, PNG for certificate batches (hundreds of pages)."""

import segno
from django.conf import settings
from django.urls import reverse

# Medium error correction survives a stamp or a fold across the code.
QR_ERROR = "m"


def verification_url(code):
    """The public address a printed code leads to: PUBLIC_BASE_URL + /verifikasi/<code>."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("awards:verify", kwargs={"code": code})


def make_qr(url):
    return segno.make(url, error=QR_ERROR, micro=False)


def qr_png_data_uri(url):
    """The code as a PNG data: URL with one pixel per module, for PDFs: WeasyPrint draws a
    small image far faster than it parses an SVG path, and certificates print hundreds.
    The page scales it up with image-rendering: pixelated (static/css/certificate.css), so
    the PDF turns interpolation off and every module prints as a sharp square."""
    return make_qr(url).png_data_uri(border=2, scale=1, dark="#000", light="#fff")


def qr_svg(url, *, size="28mm"):
    """An inline <svg> to put straight into HTML (WeasyPrint or a page): nothing to fetch,
    so the restrictive url_fetcher never sees it. `size` is any CSS length."""
    svg = make_qr(url).svg_inline(
        border=2, dark="#000", light="#fff", omitsize=True, svgclass="qr-code"
    )
    # segno gives a viewBox without a size; a fixed size keeps the code square anywhere.
    return svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
