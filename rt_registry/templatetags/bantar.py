import datetime
from decimal import Decimal

from django import template
from django.utils import timezone

register = template.Library()

BULAN = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def format_rupiah(amount, *, prefix="Rp "):
    """Rp 7.500.000 — dots for thousands, no decimals (amounts are whole rupiah)."""
    if amount is None or amount == "":
        return ""
    value = int(Decimal(amount).quantize(Decimal("1")))
    sign = "-" if value < 0 else ""
    return f"{sign}{prefix}{abs(value):,}".replace(",", ".")


def format_tanggal(value):
    """29 November 2026. A stored moment is dated in Jakarta time (05.59 WIB on 2 December
    is 22.59 UTC on 1 December)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def format_waktu(moment):
    """29 November 2026 pukul 14.05 WIB: a stored moment in Jakarta time."""
    if not moment:
        return "–"
    local = timezone.localtime(moment)
    return f"{format_tanggal(local)} pukul {local:%H.%M} WIB"


@register.filter
def waktu(moment):
    return format_waktu(moment)


@register.filter
def rupiah(amount):
    return format_rupiah(amount)


@register.filter
def tanggal(value):
    return format_tanggal(value)


@register.filter
def angka(value):
    """A whole number with dots for thousands: 1.650."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".")
