"""Values in the admin's history diff as an officer reads them: the stage's label instead
of its code, Ya/Tidak instead of True/False, "–" for nothing.

django-simple-history hands the template the field's verbose name and the values already
turned into strings, so the field is found by its label and the value by its string."""

from django import template
from django.utils.text import capfirst

register = template.Library()

PLAIN = {"True": "Ya", "False": "Tidak", "None": "–", "": "–"}


@register.simple_tag
def history_value(record, field_label, value):
    text = str(value)
    if text in PLAIN:
        return PLAIN[text]
    for field in record._meta.fields:
        if field.choices and capfirst(field.verbose_name) == field_label:
            return {str(code): label for code, label in field.flatchoices}.get(text, value)
    return value
