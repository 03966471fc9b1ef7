"""Berita Acara Rapat (record of the decision meeting), SK.md "Berita Acara": DPMPPA
letterhead, title and number, the opening sentence with the date in words, the results
(RTs assessed, RTs meeting the criteria per category, overrules with reasons, the
recommendation), closing, the attendees' signature table, "Mengetahui, Kepala DPMPPA",
and the recap of every proposal as a landscape annex.

Rendered only by the background worker: jobs.RENDERERS["berita_acara"] ->
render_berita_acara_job (subject "meeting:<pk>")."""

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from num2words import num2words

from assessments.decisions import decidable_proposals
from assessments.models import Decision, Meeting, Pillar
from assessments.recap import build_recap
from awards.identity import print_identity
from documents.jobs import job_progress
from documents.pdf import PDF_AUTHOR, html_to_pdf
from rt_registry.models import SizeCategory
from rt_registry.templatetags.bantar import BULAN, format_tanggal

HARI = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]

PDF_A = "pdf/a-3b"


def in_words(number):
    """Indonesian words for a whole number: 29 -> "dua puluh sembilan"."""
    return num2words(int(number), lang="id")


def date_in_words(day):
    """The parts of the opening sentence: hari, tanggal, bulan, tahun in words."""
    return {
        "hari": HARI[day.weekday()],
        "tanggal": in_words(day.day),
        "bulan": BULAN[day.month - 1],
        "tahun": in_words(day.year),
    }


def berita_acara_context(meeting):
    cycle = meeting.cycle
    rows = build_recap(cycle=cycle, proposals=decidable_proposals(cycle))
    categories = []
    for category in SizeCategory:
        in_category = [r for r in rows if r.proposal.size_category == category]
        categories.append(
            {
                "label": category.label,
                "proposed": len(in_category),
                "assessed": sum(1 for r in in_category if r.sent_count),
                "rule_passes": sum(1 for r in in_category if r.passes),
                "passed": sum(1 for r in in_category if _outcome(r) == Decision.Outcome.LULUS),
            }
        )
    passed_total = sum(c["passed"] for c in categories)
    overrules = [r for r in rows if _decision(r) is not None and _decision(r).is_overruled]
    return {
        "meeting": meeting,
        "cycle": cycle,
        "title": f"Berita Acara Hasil Penilaian Kampung BANTAR Kota Jambi {cycle}",
        "when": date_in_words(meeting.held_on),
        "held_on": format_tanggal(meeting.held_on),
        "attendees": list(meeting.attendees.all()),
        "rows": rows,
        "indicators": rows[0].indicators if rows else [],
        "pillars": list(Pillar),
        "categories": categories,
        "proposed_total": len(rows),
        "assessed_total": sum(1 for r in rows if r.sent_count),
        "passed_total": passed_total,
        "rule_passes_total": sum(c["rule_passes"] for c in categories),
        "passed_total_words": in_words(passed_total),
        "overrules": overrules,
        # Letterhead address, emblem and the head's name, rank and NIP: Admin › Identitas
        # dokumen (awards/identity.py); the meeting's own head_name wins when filled in.
        **print_identity("lambang"),
        "author": PDF_AUTHOR,
        "created": timezone.now().isoformat(timespec="seconds"),
    }


def _decision(row):
    return getattr(row.proposal, "decision", None)


def _outcome(row):
    decision = _decision(row)
    return decision.outcome if decision is not None else None


def render_berita_acara_html(meeting) -> str:
    with translation.override("id"):
        return render_to_string(
            "assessments/print/berita_acara.html", berita_acara_context(meeting)
        )


def render_berita_acara_pdf(meeting) -> bytes:
    return html_to_pdf(render_berita_acara_html(meeting), pdf_variant=PDF_A)


def berita_acara_filename(meeting):
    return f"berita-acara-{meeting.cycle.year}-periode-{meeting.cycle.period}.pdf"


def render_berita_acara_job(job):
    """Worker entry (jobs.RENDERERS): subject "meeting:<pk>" -> (filename, pdf bytes)."""
    prefix, _, pk = job.subject.partition(":")
    meeting = Meeting.objects.select_related("cycle").filter(pk=pk).first()
    if prefix != "meeting" or meeting is None:
        raise ValidationError("Rapat untuk Berita Acara ini tidak ditemukan.")
    job_progress(job, 0, 2)
    html = render_berita_acara_html(meeting)
    job_progress(job, 1, 2)  # the rest is WeasyPrint laying out the pages
    return berita_acara_filename(meeting), html_to_pdf(html, pdf_variant=PDF_A)


def job_links(job):
    """The progress page's links (documents.jobs.LINKS): back to the decisions, then the
    draft SK."""
    kind, _, pk = job.subject.partition(":")
    meeting = Meeting.objects.filter(pk=pk).first() if kind == "meeting" and pk.isdigit() else None
    if meeting is None:
        return []
    from awards.models import Decree  # awards builds on assessments, not the reverse

    cycle_id = meeting.cycle_id
    if Decree.objects.filter(cycle_id=cycle_id).exists():
        # A draft or final SK is there already: a second draft is not the next step.
        decrees = reverse("admin:awards_decree_changelist") + f"?cycle__id__exact={cycle_id}"
        decree = ("Lanjut: SK Wali Kota periode ini", decrees)
    else:
        decree = (
            "Lanjut: buat draf SK Wali Kota",
            reverse("admin:awards_decree_add") + f"?cycle={cycle_id}",
        )
    return [
        ("Kembali ke keputusan rapat", reverse("assessments:decisions", args=[cycle_id])),
        decree,
    ]
