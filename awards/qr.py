"""QR codes printed on decrees and certificates, made locally with segno: inline SVG for
pages and the decree, PNG for certificate batches (hundreds of pages).

Every code is exactly the one `segno.make(url, error="m", micro=False)` gives, mask
included. segno picks the mask by scoring all eight in pure Python, which cost ~80% of
making a code (a tenth of a 900-page certificate batch); `best_mask` scores the same eight
candidates with the same rules (ISO/IEC 18004 7.8.3, as segno counts them) on the whole
matrix at once, and the code is redrawn with that mask by segno.encoder's own functions.
tests/awards/test_qr.py checks code, mask and PNG against segno.make for many addresses
(a segno upgrade that changed its rules would fail there)."""

import functools
import re

import segno
from django.conf import settings
from django.urls import reverse
from segno import encoder

# Medium error correction survives a stamp or a fold across the code.
QR_ERROR = "m"


def verification_url(code):
    """The public address a printed code leads to: PUBLIC_BASE_URL + /verifikasi/<code>."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("awards:verify", kwargs={"code": code})


def make_qr(url):
    """segno's code for `url`, with the mask segno would choose (best_mask)."""
    code = segno.make(url, error=QR_ERROR, micro=False, mask=0)
    mask = best_mask(code)
    if mask != 0:
        _remask(code, mask)
    return code


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


# --- the mask, as segno chooses it ------------------------------------------------------
# The matrix is held as one integer, a byte per module (0 light, 1 dark) row after row, so
# that masking and comparing neighbours are a few operations on the whole matrix instead
# of several per module.


@functools.lru_cache(maxsize=8)
def _layout(size):
    """For a code of `size` modules: the modules segno scores around the data (function
    patterns drawn, format and version areas light, data 0), 0xff on each data module,
    for each of the eight masks 1 on each data module it flips, and 1 on the first row
    and column (modules with no left or upper neighbour)."""
    template = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(template, size, size)
    encoder.add_alignment_patterns(template, size, size)
    modules = [(i, j, value) for i, row in enumerate(template) for j, value in enumerate(row)]
    is_data = [value == 0x2 for _, _, value in modules]  # not drawn on yet
    around = _whole(
        [0 if data else value for (_, _, value), data in zip(modules, is_data, strict=True)]
    )
    data = _whole([0xFF if data else 0 for data in is_data])
    masks = tuple(
        _whole(
            [
                int(data and bool(flips(i, j)))
                for (i, j, _), data in zip(modules, is_data, strict=True)
            ]
        )
        for flips in encoder.get_data_mask_functions(False)
    )
    edges = _whole([int(i == 0 or j == 0) for i, j, _ in modules])
    return around, data, masks, edges


def _whole(values):
    return int.from_bytes(bytes(values))


# Runs of five or more modules of one colour; a line of dark light dark dark dark light dark.
_RUN = re.compile(rb"\x00{5,}|\x01{5,}")
_FINDER_LIKE = b"\x01\x00\x01\x01\x01\x00\x01"
_BETWEEN_LINES = b"\x02"  # neither colour: no run or pattern crosses from line to line


def best_mask(code):
    """The mask segno would choose for `code` (made with mask 0): the lowest penalty,
    the first one on a tie."""
    size = len(code.matrix)
    around, data, masks, _ = _layout(size)
    # The data as encoded, before any mask: the code's modules XOR mask 0, on data only.
    unmasked = (_whole(b"".join(code.matrix)) ^ masks[0]) & data
    scores = [
        _penalty(((around | unmasked) ^ flips).to_bytes(size * size), size) for flips in masks
    ]
    return scores.index(min(scores))


def _remask(code, mask):
    """Redraw `code` (made with mask 0) with `mask`, as segno draws it: each data module
    flipped by mask 0 and by `mask`, then the format information of the new mask."""
    size = len(code.matrix)
    _, _, masks, _ = _layout(size)
    modules = (_whole(b"".join(code.matrix)) ^ masks[0] ^ masks[mask]).to_bytes(size * size)
    for i, row in enumerate(code.matrix):
        row[:] = modules[i * size : (i + 1) * size]
    error = encoder.normalize_errorlevel(code.error)
    encoder.add_format_info(code.matrix, code.version, error, mask)
    code.mask = mask


def _penalty(modules, size):
    """segno.encoder.mask_scores summed, for the matrix as bytes row after row. Rows and
    columns are searched as one string of lines, the rules applied per line."""
    rows = [modules[start : start + size] for start in range(0, size * size, size)]
    columns = [modules[j::size] for j in range(size)]
    lines = _BETWEEN_LINES.join(rows + columns)
    runs = _RUN.findall(lines)
    n1 = sum(map(len, runs)) - 2 * len(runs)
    # 2x2 blocks of one colour: a module, its left, upper and upper-left neighbours.
    _, _, _, edges = _layout(size)
    whole = int.from_bytes(modules)
    from_left = whole ^ (whole >> 8)
    from_upper = whole ^ (whole >> (8 * size))
    differs = from_left | (from_left >> (8 * size)) | from_upper | edges
    n2 = 3 * differs.to_bytes(size * size).count(0)
    n3 = _finder_like_score(lines, size)
    n4 = 10 * int(abs(float(modules.count(1)) / (size**2) * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def _finder_like_score(lines, size):
    """segno's n3_pattern_occurrences over every line: 40 for each 1:1:3:1:1 pattern with
    four light modules before or after it in its line (or at the line's edge)."""
    score = 0
    at = lines.find(_FINDER_LIKE)
    while at != -1:
        start = at - at % (size + 1)  # where its line starts
        column = at - start
        after = column + 7
        if (
            column in (0, size - 7)
            or not any(lines[start + max(column - 4, 0) : start + column])
            or not any(lines[start + after : start + min(after + 4, size)])
        ):
            score += 40
        else:
            after = column + 4
        at = lines.find(_FINDER_LIKE, start + after)
    return score
