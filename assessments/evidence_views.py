"""The visit's photos, served only to whoever may see them: Admin DPMPPA, and the team
the proposal is assigned to (EvidencePhoto.objects.visible_to). MEDIA is never served
directly; an address outside the user's scope is a 404, as if it did not exist."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from assessments.models import Assessment, EvidencePhoto, Proposal
from stored_files.views import stored_file_download


def get_photo_for_user(request, photo_id):
    photo = EvidencePhoto.objects.visible_to(request.user).filter(pk=photo_id).first()
    if photo is None:
        raise Http404("Foto tidak ditemukan atau di luar wewenang Anda.")
    return photo


def get_proposal_for_photos(request, proposal_id):
    proposal = (
        Proposal.objects.evidence_visible_to(request.user)
        .select_related("cycle")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise Http404("Usulan tidak ditemukan atau di luar wewenang Anda.")
    return proposal


# Private: a shared proxy or the next user of the tablet must not get it from a cache.
@cache_control(private=True, max_age=3600)
@login_required
def evidence_photo(request, photo_id):
    photo = get_photo_for_user(request, photo_id)
    return stored_file_download(
        request,
        photo.file,
        filename=f"foto-{photo.pk}.jpg",
        content_type="image/jpeg",
        as_attachment=False,
    )


@login_required
def proposal_photos(request, proposal_id):
    """Every photo of the proposal's current sheets (sent, or reopened and not yet sent),
    by assessor, with the visit's position."""
    proposal = get_proposal_for_photos(request, proposal_id)
    sheets = (
        Assessment.objects.filter(proposal=proposal)
        .exclude(status=Assessment.Status.SUPERSEDED)
        .select_related("assessor")
        .order_by("assessor__username", "version")
    )
    photos = (
        EvidencePhoto.objects.visible_to(request.user)
        .filter(assessment__in=sheets)
        .select_related("indicator")
    )
    by_sheet = {sheet.pk: [] for sheet in sheets}
    for photo in photos:
        by_sheet[photo.assessment_id].append(photo)
    rows = [(sheet, by_sheet[sheet.pk]) for sheet in sheets]
    return render(
        request,
        "assessments/proposal_photos.html",
        {"proposal": proposal, "rows": rows, "count": sum(len(p) for _, p in rows)},
    )
