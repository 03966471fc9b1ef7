"""Copying an indicator set: the one way to change the indicators of a set in use.

A set is frozen once a cycle scored on it is past Usulan or any score exists
(models.IndicatorSet.ensure_editable). `copy_indicator_set` makes a new, editable set with
the same indicators (every field of Indicator.CONTENT_FIELDS); a new cycle is then put on
the copy. Atomic, keyword-only, refusing in Indonesian."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assessments.models import Indicator, IndicatorSet

NAME_MAX = IndicatorSet._meta.get_field("name").max_length


def default_copy_name(source):
    """ "Salinan dari <name>", numbered when that name is taken."""
    base = f"Salinan dari {source.name}"[:NAME_MAX]
    name, n = base, 1
    while IndicatorSet.objects.filter(name=name).exists():
        n += 1
        suffix = f" ({n})"
        name = base[: NAME_MAX - len(suffix)] + suffix
    return name


def copy_indicator_set(source, *, by, name=None, legal_basis=None):
    """A new editable set named `name` (default: default_copy_name) with the source's
    indicators and, unless given, its legal basis. Returns the new set."""
    if not by.has_perm("assessments.add_indicatorset"):
        raise PermissionDenied("Anda tidak berhak membuat set indikator.")
    with transaction.atomic():
        name = (name or "").strip() or default_copy_name(source)
        if IndicatorSet.objects.filter(name=name).exists():
            raise ValidationError(
                f"Nama set indikator “{name}” sudah dipakai; pilih nama lain.", code="name_taken"
            )
        copy = IndicatorSet.objects.create(
            name=name, legal_basis=source.legal_basis if legal_basis is None else legal_basis
        )
        Indicator.objects.bulk_create(
            Indicator(indicator_set=copy, **{f: getattr(i, f) for f in Indicator.CONTENT_FIELDS})
            for i in source.indicators.order_by("order", "code")
        )
    return copy
