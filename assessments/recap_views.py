"""Recap (rekapitulasi), decision meeting and Berita Acara pages.

Recap and export: Admin DPMPPA (city-wide) and Petugas Kecamatan (own kecamatan, read
only). Decisions and the Berita Acara: Admin DPMPPA only."""

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from assessments import decisions as decision_rules
from assessments.models import Cycle, Decision, Meeting, Pillar
from assessments.recap import build_recap, filter_rows, load_details, recap_proposals, sort_rows
from assessments.recap_forms import RecapFilterForm
from documents.jobs import start_document_job
from rt_registry import roles
from rt_registry.spreadsheets import escape_formula

PER_PAGE = 100
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def get_cycle_for_recap(request, cycle_id):
    if not (roles.is_admin_dpmppa(request.user) or roles.is_kecamatan_officer(request.user)):
        raise PermissionDenied("Rekapitulasi hanya untuk Admin DPMPPA dan Petugas Kecamatan.")
    return get_object_or_404(Cycle.objects.select_related("indicator_set"), pk=cycle_id)


def get_cycle_for_decisions(request, cycle_id):
    if not roles.is_admin_dpmppa(request.user):
        raise PermissionDenied("Keputusan rapat hanya dapat dicatat oleh Admin DPMPPA.")
    return get_object_or_404(Cycle.objects.select_related("indicator_set"), pk=cycle_id)


def filtered_recap(request, cycle):
    form = RecapFilterForm(request.GET, user=request.user)
    proposals = recap_proposals(cycle, request.user)
    if not form.is_valid():
        return form, sort_rows(build_recap(cycle=cycle, proposals=proposals))
    rows = build_recap(cycle=cycle, proposals=form.filter_proposals(proposals))
    rows = filter_rows(
        rows, result=form.cleaned_data["hasil"], completeness=form.cleaned_data["kelengkapan"]
    )
    order = form.cleaned_data["urut"] or "total"
    return form, sort_rows(rows, by_total=order != "wilayah", descending=order == "total")


def paginate(request, rows):
    """A page of the (already computed, filtered and sorted) rows, and the query string
    of the filters without the page number, for the page links and form actions."""
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("halaman"))
    query = request.GET.copy()
    query.pop("halaman", None)
    return page, query.urlencode()


@login_required
def recap_page(request, cycle_id):
    cycle = get_cycle_for_recap(request, cycle_id)
    form, rows = filtered_recap(request, cycle)
    page, query = paginate(request, rows)
    load_details(page.object_list)  # the per-indicator means of this page's rows only
    indicators = rows[0].indicators if rows else []
    return render(
        request,
        "assessments/recap.html",
        {
            "cycle": cycle,
            "form": form,
            "rows": page.object_list,
            "page_obj": page,
            "row_count": len(rows),
            "indicators": indicators,
            "pillars": list(Pillar),
            "pillar_columns": [(p, sum(i.pillar == p for i in indicators)) for p in Pillar],
            "can_decide": roles.is_admin_dpmppa(request.user),
            "query": query,
        },
    )


@login_required
def recap_xlsx(request, cycle_id):
    cycle = get_cycle_for_recap(request, cycle_id)
    _, rows = filtered_recap(request, cycle)
    response = HttpResponse(recap_workbook(cycle, rows), content_type=XLSX_TYPE)
    filename = f"rekap-bantar-{cycle.year}-periode-{cycle.period}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


RECAP_HEADER_START = [
    "No", "Kecamatan", "Kelurahan", "RT", "Ketua RT", "Jumlah KK", "Kategori",
    "Lembar terkirim", "Lengkap", "Belum mengirim",
]  # fmt: skip
RECAP_HEADER_END = [
    "Total (0-42)", "Persen (%)", "Hasil menurut aturan", "Beda pendapat (0 vs 2)",
    "Keputusan rapat", "Alasan penyimpangan",
]  # fmt: skip


def recap_workbook(cycle, rows):
    """The recap as an .xlsx (bytes): a title line, a bold header, one line per row as
    the page shows it. Text typed by people is escaped so no cell runs as a formula."""
    indicators = rows[0].indicators if rows else []
    codes = {i.pk: i.code for i in indicators}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Rekapitulasi")
    header = [
        *RECAP_HEADER_START,
        *codes.values(),
        *[f"Subtotal {p.label}" for p in Pillar],
        *[f"% {p.label}" for p in Pillar],
        *RECAP_HEADER_END,
    ]
    sheet.append([escape_formula(f"Rekapitulasi Penilaian Kampung BANTAR {cycle}")])
    bold = Font(bold=True)
    sheet.append([_bold_cell(sheet, h, bold) for h in header])
    for n, row in enumerate(rows, start=1):
        sheet.append(_recap_line(n, row, codes))
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _recap_line(n, row, codes):
    p = row.proposal
    decision = getattr(p, "decision", None)
    pillars = row.pillars_display
    return [
        n,
        escape_formula(p.kecamatan_name),
        escape_formula(p.kelurahan_name),
        f"{p.rt_number:02d}",
        escape_formula(p.ketua_name),
        p.kk_count,
        p.get_size_category_display(),
        row.sent_count,
        "Ya" if row.is_complete else "Belum",
        escape_formula(", ".join(row.missing)),
        *[mean for _, mean, _ in row.cells],
        *[x["subtotal"] for x in pillars],
        *[x["pct"] for x in pillars],
        row.total_display,
        row.total_pct_display,
        "Memenuhi kriteria" if row.passes else "Tidak memenuhi",
        ", ".join(codes[i] for i in sorted(row.disagreements, key=list(codes).index)),
        decision.get_outcome_display() if decision else "",
        escape_formula(decision.overrule_reason) if decision else "",
    ]


def _bold_cell(sheet, value, font):
    cell = WriteOnlyCell(sheet, value=escape_formula(value))
    cell.font = font
    return cell


@login_required
def decision_page(request, cycle_id):
    """One page of proposals (filters as on the recap); saving writes that page's rows in
    one transaction. A POST that saves only redirects, so the recap is built only to show
    the page (again, with what was typed, when saving was refused)."""
    cycle = get_cycle_for_decisions(request, cycle_id)
    here = request.path + (f"?{request.GET.urlencode()}" if request.GET else "")
    submitted = {}
    if request.method == "POST":
        saved, submitted = save_decisions(request, cycle)
        if saved:
            return redirect(here)
    form, rows = filtered_recap(request, cycle)
    page, query = paginate(request, rows)
    return render(
        request,
        "assessments/decisions.html",
        {
            "cycle": cycle,
            "meeting": Meeting.objects.filter(cycle=cycle).first(),
            "form": form,
            "table": decision_table(page.object_list, submitted),
            "page_obj": page,
            "row_count": len(rows),
            "query": query,
            "here": here,
            "choices": decision_rules.CHOICES,
            "editable": cycle.is_open_for(Cycle.Stage.REKAPITULASI),
            "undecided": sum(1 for r in rows if getattr(r.proposal, "decision", None) is None),
        },
    )


def save_decisions(request, cycle):
    """Record the POSTed decisions (or the rule for all) with a message. Returns (saved,
    submitted): `submitted` is what was typed, shown again when saving was refused."""
    submitted = {}
    try:
        if "apply_rule_all" in request.POST:
            changed, kept = decision_rules.apply_rule_to_all(cycle=cycle, by=request.user)
            messages.success(
                request,
                f"{changed} keputusan dicatat sesuai aturan; "
                f"{kept} keputusan menyimpang yang sudah dicatat tidak diubah.",
            )
        else:
            submitted = {
                pk: (
                    request.POST.get(f"choice-{pk}", decision_rules.RULE),
                    request.POST.get(f"reason-{pk}", ""),
                )
                for pk in request.POST.getlist("proposal")
            }
            changed = decision_rules.record_decisions(
                cycle=cycle, decisions=submitted, by=request.user
            )
            messages.success(request, f"Keputusan rapat disimpan ({changed} berubah).")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        messages.error(request, "Tidak ada keputusan yang disimpan. Perbaiki lalu simpan lagi.")
        return False, submitted
    return True, submitted


def decision_table(rows, submitted):
    """One line per recap row: its decision and the choice and reason to show (what was
    just typed when saving was refused, else what is recorded)."""
    table = []
    for row in rows:
        decision = getattr(row.proposal, "decision", None)
        choice, reason = submitted.get(str(row.proposal.pk), (None, None))
        if choice is None:
            choice, reason = _current_choice(decision)
        table.append({"row": row, "decision": decision, "choice": choice, "reason": reason})
    return table


def _current_choice(decision):
    if decision is None or not decision.is_overruled:
        return decision_rules.RULE, ""
    return decision.outcome, decision.overrule_reason


@login_required
def berita_acara_start(request, cycle_id):
    cycle = get_cycle_for_decisions(request, cycle_id)
    if request.method != "POST":
        # The Berita Acara is made with the button on the decision page; lead there.
        return redirect("assessments:decisions", cycle.pk)
    meeting = Meeting.objects.filter(cycle=cycle).first()
    problems = berita_acara_problems(cycle, meeting)
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect("assessments:decisions", cycle.pk)
    job = start_document_job(kind="berita_acara", subject=f"meeting:{meeting.pk}", by=request.user)
    return redirect(reverse("documents:job", args=[job.pk]))


def berita_acara_problems(cycle, meeting):
    """What stops a Berita Acara being made (Indonesian messages); empty when ready."""
    if meeting is None:
        return ["Catat dulu rapat penetapan (tanggal, tempat, peserta) di menu Rapat penetapan."]
    problems = []
    if not meeting.attendees.exists():
        problems.append("Rapat belum punya daftar peserta untuk lembar tanda tangan.")
    undecided = decision_rules.decidable_proposals(cycle).filter(decision__isnull=True).count()
    if undecided:
        problems.append(f"Masih ada {undecided} usulan yang belum diputuskan.")
    if not Decision.objects.filter(proposal__cycle=cycle).exists():
        problems.append("Belum ada keputusan rapat untuk periode ini.")
    return problems
