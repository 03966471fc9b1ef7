"""Certificates for staff (/piagam/), the payment list of a cycle (/pembayaran/) and the
public verification pages (/verifikasi/)."""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assessments.models import Cycle
from awards import certificates, throttle
from awards.models import Award, Decree
from awards.payments import payments_xlsx
from documents.models import DocumentJob
from rt_registry import roles
from rt_registry.models import Kecamatan, Kelurahan
from stored_files.integrity import StoredFileMissing, stored_file_state
from stored_files.views import stored_file_missing

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def payments_download(awards, *, filename):
    """The finance office's xlsx of these (scoped) awards, as a download."""
    response = HttpResponse(payments_xlsx(awards), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def payments_export(request, cycle_id):
    """Every payment of one cycle the user may see, without ticking rows in the admin
    (the work panel's «Unduh daftar pembayaran»)."""
    if not request.user.has_perm("awards.view_award"):
        raise Http404("Halaman tidak ditemukan.")
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    awards = Award.objects.visible_to(request.user).filter(cycle=cycle)
    return payments_download(
        awards, filename=f"pembayaran-bantar-{cycle.year}-periode-{cycle.period_roman}.xlsx"
    )


# --- Certificates (staff) --------------------------------------------------------------


def ensure_certificate_user(user):
    """Admin DPMPPA and kecamatan/kelurahan officers; everyone else gets a 404."""
    if not (
        roles.is_admin_dpmppa(user)
        or roles.is_kecamatan_officer(user)
        or roles.is_kelurahan_officer(user)
    ):
        raise Http404("Halaman tidak ditemukan.")


def get_award_for_user(request, award_id):
    ensure_certificate_user(request.user)
    awards = Award.objects.visible_to(request.user).select_related("proposal", "cycle")
    return get_object_or_404(awards, pk=award_id)


def current_decree(cycle):
    try:
        return certificates.final_decree_for(cycle)
    except ValidationError:
        return None


@login_required
def certificate_cycles(request):
    ensure_certificate_user(request.user)
    cycles = (
        Cycle.objects.filter(awards__in=Award.objects.visible_to(request.user))
        .annotate(award_count=Count("awards"))
        .order_by("-year", "-period")
    )
    return render(request, "awards/certificate_cycles.html", {"cycles": cycles})


@login_required
def certificate_list(request, cycle_id):
    ensure_certificate_user(request.user)
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    awards = list(
        certificates.awards_for_certificates(
            Award.objects.visible_to(request.user).filter(cycle=cycle)
        ).select_related("rt__kelurahan__kecamatan")
    )
    batches = batch_choices(request.user, cycle, awards)
    jobs = {}
    for job in DocumentJob.objects.filter(
        kind="certificates", subject__in=[b["subject"] for b in batches]
    ).order_by("-created_at"):
        jobs.setdefault(job.subject, job)
    for batch in batches:
        batch["job"] = jobs.get(batch["subject"])
    return render(
        request,
        "awards/certificate_list.html",
        {
            "cycle": cycle,
            "awards": awards,
            "decree": current_decree(cycle),
            "batches": batches,
            "is_admin": roles.is_admin_dpmppa(request.user),
        },
    )


def batch_choices(user, cycle, awards):
    """The batches this user may start: the whole cycle (Admin DPMPPA), each kecamatan
    and kelurahan of their scope that has awards. Built from the awards already loaded."""
    choices = []
    if roles.is_admin_dpmppa(user) and awards:
        choices.append(
            {"scope": "cycle", "area": None, "label": f"Semua RT ({len(awards)})", "count": 0}
        )
    areas = {}
    for award in awards:
        kelurahan = award.rt.kelurahan
        kecamatan = kelurahan.kecamatan
        if not roles.is_kelurahan_officer(user) or roles.is_admin_dpmppa(user):
            key = ("kecamatan", kecamatan.pk)
            areas.setdefault(key, {"label": f"Kecamatan {kecamatan.name}", "count": 0})
            areas[key]["count"] += 1
        key = ("kelurahan", kelurahan.pk)
        areas.setdefault(key, {"label": f"Kelurahan {kelurahan.name}", "count": 0})
        areas[key]["count"] += 1
    for (scope, area_id), area in areas.items():
        choices.append({"scope": scope, "area": area_id, **area})
    for choice in choices:
        if choice["scope"] == "cycle":
            choice["subject"] = f"certificates:cycle:{cycle.pk}"
        else:
            choice["subject"] = f"certificates:{choice['scope']}:{cycle.pk}:{choice['area']}"
            choice["label"] += f" ({choice['count']})"
    return choices


def ensure_batch_allowed(user, scope, area_id):
    """Scope check on the server for a batch request; 404 outside the user's reach."""
    if scope == "cycle" and roles.is_admin_dpmppa(user):
        return None
    if scope == "kecamatan":
        area = Kecamatan.objects.visible_to(user).filter(pk=area_id).first()
        # A kelurahan officer sees their kecamatan's name, but not its other kelurahan.
        if area is not None and not (
            roles.is_kelurahan_officer(user) and not roles.is_admin_dpmppa(user)
        ):
            return area
    if scope == "kelurahan":
        area = Kelurahan.objects.visible_to(user).filter(pk=area_id).first()
        if area is not None:
            return area
    raise Http404("Wilayah tidak ditemukan.")


@login_required
@require_POST
def certificate_batch(request, cycle_id):
    ensure_certificate_user(request.user)
    cycle = get_object_or_404(Cycle, pk=cycle_id)
    scope = request.POST.get("scope", "")
    area_id = request.POST.get("area") or None
    if scope not in ("cycle", "kecamatan", "kelurahan") or (scope != "cycle" and not area_id):
        raise Http404("Wilayah tidak ditemukan.")
    area = ensure_batch_allowed(request.user, scope, area_id)
    back = reverse("awards:certificate-list", args=[cycle.pk])
    try:
        certificates.final_decree_for(cycle)
        awards = certificates.batch_awards(
            cycle_id=cycle.pk, scope=scope, area_id=area.pk if area else None
        )
        if not awards.exists():
            raise ValidationError("Tidak ada RT penerima piagam di wilayah ini.")
        subject = certificates.batch_subject(cycle=cycle, scope=scope, area=area)
        from documents.jobs import start_document_job

        job = start_document_job(kind="certificates", subject=subject, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    return redirect("documents:job", job.pk)


@login_required
def certificate_download(request, award_id):
    award = get_award_for_user(request, award_id)
    try:
        data = certificates.certificate_pdf_for_award(award)
    except StoredFileMissing:
        return stored_file_missing(request, name=award.certificate_pdf.name)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("awards:certificate-list", award.cycle_id)
    response = HttpResponse(data, content_type="application/pdf")
    filename = certificates.certificate_filename(award)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def certificate_regenerate(request, award_id):
    award = get_award_for_user(request, award_id)
    if not roles.is_admin_dpmppa(request.user):
        raise Http404("Halaman tidak ditemukan.")
    try:
        certificates.certificate_pdf_for_award(award, regenerate=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Piagam RT {award.proposal.rt_number:02d} {award.proposal.kelurahan_name} "
            "dibuat ulang; sidik jari (SHA-256) yang baru tampil di halaman verifikasi.",
        )
    return redirect("awards:certificate-list", award.cycle_id)


# --- Public verification ---------------------------------------------------------------


def normalise_code(raw):
    """'abcde-fghjk', ' ABCDE FGHJK ' and 'ABCDE.FGHJK' are one code."""
    return re.sub(r"[^0-9A-Za-z]", "", raw or "").upper()


def verify_form(request):
    raw = request.GET.get("kode")
    if raw is not None:
        code = normalise_code(raw)
        if code:
            return redirect("awards:verify", code=code)
        messages.error(request, "Masukkan kode verifikasi yang tercetak di bawah kode QR.")
    return render(request, "awards/verify_form.html", {})


def verify(request, code):
    canonical = normalise_code(code)
    if not canonical:
        return redirect("awards:verify-form")
    if canonical != code:
        return redirect("awards:verify", code=canonical)
    if throttle.is_throttled(request):
        return render(request, "awards/verify_throttled.html", {}, status=429)
    if len(code) > 16:  # longer than any code (max_length 16): a miss, no query
        code = code[:16] + "…"
        return unknown_code(request, code)
    award = Award.objects.select_related("proposal", "cycle").filter(certificate_code=code).first()
    if award is not None:
        context = certificate_context(award)
        if context is not None:
            return render(request, "awards/verify_certificate.html", context)
    else:
        decree = Decree.objects.select_related("cycle").filter(verification_code=code).first()
        if decree is not None and decree.status == Decree.Status.DRAFT:
            # A printed preview's QR: say plainly it is a draft, not "unknown code".
            return render(request, "awards/verify_decree_draft.html", {"decree": decree})
        if decree is not None:
            return render(request, "awards/verify_decree.html", decree_context(decree))
    return unknown_code(request, code)


def unknown_code(request, code):
    throttle.record_miss(request)
    return render(
        request,
        "awards/verify_unknown.html",
        {"code": code, "contact": settings.DPMPPA_CONTACT},
        status=404,
    )


def revoking_decree(decree):
    """The final decree that revoked this one, or revoked the decree this one amended (an
    amendment falls with the decree it amends). Never an amending decree: it revokes nothing."""
    targets = [decree.pk] + ([decree.amends_id] if decree.amends_id else [])
    return (
        Decree.objects.filter(
            amends_id__in=targets,
            status=Decree.Status.FINAL,
            correction=Decree.Correction.MENCABUT,
        )
        .order_by("decided_on", "pk")
        .first()
    )


def amending_decrees(decree):
    """The final decrees that amend (MENGUBAH) this one: it still stands, as amended."""
    return list(
        decree.amendments.filter(
            status=Decree.Status.FINAL, correction=Decree.Correction.MENGUBAH
        ).order_by("decided_on", "pk")
    )


def certificate_context(award):
    """What the certificate says and whether it stands; None while its cycle has no
    final or revoked decree (a certificate cannot have been issued: not verifiable)."""
    decrees = list(
        Decree.objects.filter(cycle_id=award.cycle_id)
        .exclude(status=Decree.Status.DRAFT)
        .order_by("-decided_on", "-pk")
    )
    revoked_pks = {d.pk for d in decrees if d.status == Decree.Status.REVOKED}
    decree = next(
        (
            d
            for d in decrees
            if d.status == Decree.Status.FINAL
            and d.correction != Decree.Correction.MENCABUT
            and d.amends_id not in revoked_pks  # an amendment of a revoked SK stands on nothing
        ),
        None,
    )
    revoked = None
    if decree is None:
        revoked_ones = [d for d in decrees if d.status == Decree.Status.REVOKED]
        # Name the decree the revocation struck (the original), not an amendment that fell
        # with it: the certificate in hand cites the original.
        revoked = next((d for d in revoked_ones if d.amends_id is None), None) or next(
            iter(revoked_ones), None
        )
        if revoked is None:
            return None
    shown = decree or revoked
    return {
        "award": award,
        "proposal": award.proposal,
        "recipient_lines": certificates.recipient_lines(award),
        "predicate": " ".join(certificates.predicate_lines(award)),
        "decree": shown,
        "decree_number": certificates.decree_number_phrase(shown),
        "revoked": revoked,
        "revoked_by": revoking_decree(revoked) if revoked else None,
        # A certificate printed before an amendment cites the amended decree: name it too.
        "amends": shown.amends if shown.amends_id else None,
        "code": certificates.display_code(award.certificate_code),
        "stored_file": stored_file_state(award.certificate_pdf, award.certificate_sha256),
    }


def decree_context(decree):
    decree = Decree.objects.select_related("cycle", "amends").get(pk=decree.pk)
    totals = Award.objects.filter(cycle_id=decree.cycle_id).aggregate(
        count=Count("pk"), total=Sum("prize_amount")
    )
    # An amendment of a revoked decree no longer stands either.
    revoked = decree.status == Decree.Status.REVOKED or (
        decree.correction == Decree.Correction.MENGUBAH
        and decree.amends is not None
        and decree.amends.status == Decree.Status.REVOKED
    )
    return {
        "decree": decree,
        "decree_number": certificates.decree_number_phrase(decree),
        "award_count": totals["count"],
        "prize_total": totals["total"] or 0,
        "revoked": revoked,
        "revoked_by": revoking_decree(decree) if revoked else None,
        **basis_fingerprints(decree, revoked=revoked),
        "corrects": decree.amends if decree.amends_id else None,
        "amended_by": [] if revoked else amending_decrees(decree),
        "code": certificates.display_code(decree.verification_code),
        "stored_file": stored_file_state(decree.pdf, decree.pdf_sha256),
    }


def basis_fingerprints(decree, *, revoked):
    """The fingerprint recorded at finalising and the one recomputed now, so anyone can
    see both; basis_changed is None when it cannot be checked (revoked or not recorded)."""
    if revoked or not decree.basis_fingerprint:
        return {"basis_changed": None, "basis_recorded": "", "basis_now": "", "basis_covers": ""}
    from awards.issuing import basis_covers, recompute_basis_fingerprint

    now = recompute_basis_fingerprint(decree)
    return {
        "basis_covers": basis_covers(decree),
        "basis_changed": now != decree.basis_fingerprint,
        "basis_recorded": decree.basis_fingerprint,
        "basis_now": now,
    }
