"""The city's identity in every document: which emblem file to draw, the letterhead
address and the signers' names, from the one «Identitas dokumen» record
(awards.models.DocumentIdentity).

Rule: an emblem is reached only through `emblem_path(kind)` (a file path: the official
upload, or the drawn placeholder under static/img/) and, in print templates,
`emblem_src(kind)`. While a placeholder is in use every document says CONTOH, and outside
DEBUG finalising an SK is refused (`ensure_official_identity`). Uploads are PNG or JPEG
only, checked by content: an SVG could carry script or fetch from elsewhere."""

import base64
import io
import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from awards.models import DocumentIdentity

STATIC_IMG = Path(settings.BASE_DIR) / "static" / "img"
PLACEHOLDERS = {"garuda": "garuda.svg", "lambang": "lambang-kota-jambi.svg"}
EMBLEM_LABELS = {"garuda": "Garuda Pancasila", "lambang": "lambang Kota Jambi"}
MAX_EMBLEM_BYTES = 2 * 1024 * 1024
MIN_EMBLEM_PIXELS = 600
WHERE_TO_UPLOAD = "Unggah lambang resmi di Admin › Identitas dokumen"


def current_identity():
    """The stored record, or an unsaved one with the defaults (nothing uploaded yet)."""
    identity = DocumentIdentity.objects.filter(pk=DocumentIdentity.SINGLETON_PK).first()
    return identity or DocumentIdentity(kop_address=settings.DPMPPA_KOP_ADDRESS)


def _upload(identity, kind):
    field = getattr(identity, kind)
    if field and field.name and field.storage.exists(field.name):
        return Path(field.path)
    return None


def emblem_path(kind, *, identity=None):
    """The file to draw for `kind` ("garuda" or "lambang"): the official upload if there
    is one, else the placeholder in static/img/."""
    if kind not in PLACEHOLDERS:
        raise ValueError(f"Unknown emblem: {kind}")
    identity = identity or current_identity()
    return _upload(identity, kind) or STATIC_IMG / PLACEHOLDERS[kind]


def is_placeholder(kind, *, identity=None):
    return _upload(identity or current_identity(), kind) is None


def emblem_src(kind, *, identity=None):
    """For print templates (base URL static/): the placeholder's static path, or the
    upload as a data: URL (the PDF renderer reads nothing outside static/)."""
    path = emblem_path(kind, identity=identity)
    if path.parent == STATIC_IMG:
        return f"img/{path.name}"
    mime = "image/png" if path.read_bytes()[:4] == b"\x89PNG" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def print_identity(*kinds):
    """What a print template needs: emblem sources, whether it is a CONTOH, the record."""
    identity = current_identity()
    return {
        "identity": identity,
        "emblems": {kind: emblem_src(kind, identity=identity) for kind in kinds},
        "specimen": any(is_placeholder(kind, identity=identity) for kind in kinds),
    }


def validate_emblem(upload):
    """PNG or JPEG by content (not by name), at most 2 MB, at least 600 px wide."""
    from PIL import Image

    if upload.size > MAX_EMBLEM_BYTES:
        raise ValidationError(
            f"Berkas terlalu besar ({upload.size // 1024} KB). Unggah berkas PNG atau JPEG "
            "paling besar 2 MB.",
            code="too_big",
        )
    data = upload.read()
    upload.seek(0)
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise ValidationError(
            "Berkas ini bukan gambar PNG atau JPEG. SVG dan format lain tidak diterima "
            "karena dapat memuat skrip; ekspor lambang sebagai PNG lalu unggah lagi.",
            code="not_png_jpeg",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            width = image.size[0]
    except Exception as exc:
        raise ValidationError(
            "Gambar rusak atau tidak dapat dibaca. Ekspor ulang sebagai PNG lalu unggah lagi.",
            code="broken_image",
        ) from exc
    if width < MIN_EMBLEM_PIXELS:
        raise ValidationError(
            f"Gambar terlalu kecil ({width} piksel). Unggah lambang dengan lebar minimal "
            f"{MIN_EMBLEM_PIXELS} piksel agar tajam saat dicetak.",
            code="too_small",
        )


def ensure_official_identity():
    """Refuses finalising while a placeholder emblem would be printed (setting
    BANTAR_REQUIRE_OFFICIAL_EMBLEMS, on outside DEBUG)."""
    if not getattr(settings, "BANTAR_REQUIRE_OFFICIAL_EMBLEMS", not settings.DEBUG):
        return
    identity = current_identity()
    missing = [EMBLEM_LABELS[k] for k in PLACEHOLDERS if is_placeholder(k, identity=identity)]
    if missing:
        raise ValidationError(
            f"Lambang resmi belum diunggah ({', '.join(missing)}): SK final tidak boleh "
            f"memakai gambar contoh. {WHERE_TO_UPLOAD}, lalu finalkan lagi.",
            code="placeholder_emblem",
        )


def is_private_host(url):
    """True for a loopback, private, link-local or otherwise local address (no DNS)."""
    host = (urlsplit(url).hostname or "").lower()
    if not host or host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." not in host  # a bare machine name only resolves inside a network
    return address.is_private or address.is_loopback or address.is_link_local


def ensure_public_base_url():
    """Outside DEBUG the QR of a final decree must point at a public address: it can
    never be changed once printed."""
    if settings.DEBUG:
        return
    if is_private_host(settings.PUBLIC_BASE_URL):
        raise ValidationError(
            f"PUBLIC_BASE_URL ({settings.PUBLIC_BASE_URL}) adalah alamat lokal atau jaringan "
            "dalam: kode QR pada SK final tidak dapat diubah lagi dan tidak akan terbuka bagi "
            "warga. Atur PUBLIC_BASE_URL ke alamat publik portal (mis. "
            "https://bantar.jambikota.go.id), mulai ulang server, lalu finalkan lagi.",
            code="private_base_url",
        )
