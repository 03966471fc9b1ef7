from decimal import Decimal

from django import template

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
    """29 November 2026."""
    if not value:
        return ""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


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
