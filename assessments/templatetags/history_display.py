"""Values in the admin's history diff as an officer reads them: the stage's label instead
of its code, Ya/Tidak instead of True/False, "–" for nothing, amounts as Rp 5.000.000;
and the kind of each record (Dibuat, Diubah, Dihapus).

django-simple-history hands the template the field's verbose name and the values already
turned into strings, so the field is found by its label and the value by its string."""

from django import template
from django.db import models
from django.utils.text import capfirst

from rt_registry.templatetags.bantar import format_rupiah

register = template.Library()

PLAIN = {"True": "Ya", "False": "Tidak", "None": "–", "": "–"}
HISTORY_TYPES = {"+": "Dibuat", "~": "Diubah", "-": "Dihapus"}


@register.simple_tag
def history_type(record):
    return HISTORY_TYPES.get(record.history_type, record.history_type)


@register.simple_tag
def history_value(record, field_label, value):
    text = str(value)
    if text in PLAIN:
        return PLAIN[text]
    for field in record._meta.fields:
        if capfirst(field.verbose_name) != field_label:
            continue
        if field.choices:
            return {str(code): label for code, label in field.flatchoices}.get(text, value)
        if isinstance(field, models.DecimalField) and field.name.startswith("prize"):
            return format_rupiah(text)
    return value
