"""QR codes: the SVG printed on a certificate encodes the public verification address.
No decoder is installed, so the SVG's modules are read back and compared with segno's
matrix for the expected address (and shown to differ for any other address)."""

import hashlib
import re

import pytest
import segno

from awards.qr import QR_ERROR, make_qr, qr_png_data_uri, qr_svg, verification_url

BORDER = 2


def dark_modules_of_svg(svg):
    """The dark modules drawn by segno's path: 'M x y' moves, 'm dx dy' moves relatively,
    'h n' draws n modules to the right along the line y-0.5."""
    path = re.search(r'class="qrline"[^>]*\sd="([^"]+)"|\sd="([^"]+)"[^>]*class="qrline"', svg)
    d = path.group(1) or path.group(2)
    x = y = 0.0
    dark = set()
    for cmd, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", d):
        if cmd == "M":
            x, y = float(a), float(b)
        elif cmd == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(a)):
                dark.add((int(x) + i - BORDER, int(y - 0.5) - BORDER))
            x += float(a)
    return dark


def dark_modules_of(data):
    matrix = segno.make(data, error=QR_ERROR, micro=False).matrix
    return {(x, y) for y, row in enumerate(matrix) for x, bit in enumerate(row) if bit}


def test_verification_url_is_public_base_plus_code(settings):
    settings.PUBLIC_BASE_URL = "https://bantar.jambikota.go.id/"

    assert verification_url("ABCDE23456") == "https://bantar.jambikota.go.id/verifikasi/ABCDE23456"


def test_qr_svg_encodes_exactly_the_verification_url(settings):
    settings.PUBLIC_BASE_URL = "https://bantar.jambikota.go.id"
    url = verification_url("ABCDE23456")

    drawn = dark_modules_of_svg(qr_svg(url))

    assert drawn == dark_modules_of(url)
    assert drawn != dark_modules_of(verification_url("ABCDE23457"))


@pytest.mark.parametrize("size", ["28mm", "120px"])
def test_qr_svg_is_inline_square_and_self_contained(size):
    svg = qr_svg("http://127.0.0.1:8000/verifikasi/ABCDE23456", size=size)

    assert svg.startswith(f'<svg width="{size}" height="{size}" viewBox=')
    assert "<?xml" not in svg
    assert "href" not in svg  # nothing to fetch: WeasyPrint's url_fetcher never asked


def verification_urls():
    """Addresses as printed: certificate codes under short and long public addresses, so
    the codes span several versions (3 to 11, with and without version information)."""
    bases = [
        "https://bantar.test",
        "https://bantar.jambikota.go.id",
        "https://portal-kampung-bantar.dpmppa.jambikota.go.id" + "/portal" * 12,
    ]
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    # Codes spread like issued ones (awards.models draws them at random), made repeatable.
    codes = [
        "".join(alphabet[b % 32] for b in hashlib.sha256(str(n).encode()).digest()[:10])
        for n in range(80)
    ]
    return [f"{base}/verifikasi/{code}" for base in bases for code in codes]


def test_make_qr_is_segnos_own_code_with_the_mask_segno_chooses():
    chosen, versions = set(), set()
    for url in verification_urls():
        expected = segno.make(url, error=QR_ERROR, micro=False)

        code = make_qr(url)

        assert (code.mask, code.version, code.error) == (
            expected.mask,
            expected.version,
            expected.error,
        ), url
        assert code.matrix == expected.matrix, url
        chosen.add(code.mask)
        versions.add(code.version)
    # Every mask was the best one somewhere, on codes with and without version information.
    assert chosen == set(range(8))
    assert min(versions) < 7 <= max(versions)


def test_qr_png_is_byte_for_byte_segnos():
    url = "https://bantar.jambikota.go.id/verifikasi/ABCDE23456"
    expected = segno.make(url, error=QR_ERROR, micro=False)

    assert qr_png_data_uri(url) == expected.png_data_uri(
        border=2, scale=1, dark="#000", light="#fff"
    )
