"""The assessor's tablet pages: their RTs, the scoring sheet and its JSON save."""

import functools
import logging
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_permissions_policy.decorators import permissions_policy_override

from assessments import evidence, offline, scoring
from assessments import proposals as proposal_workflow
from assessments.models import (
    SCORE_CHOICES,
    Assessment,
    ConflictOfInterest,
    Cycle,
    Indicator,
    Proposal,
    Score,
)
from assessments.scoring_forms import ConflictForm, parse_photo_uploads, parse_sheet_payload
from rt_registry import roles

logger = logging.getLogger(__name__)

# How each refusal of the domain answers the tablet; anything else is a 400.
FORBIDDEN_CODES = {"not_assessor", "not_assigned", "conflict", "forbidden"}
CONFLICT_CODES = {"wrong_stage", "cycle_locked", "already_sent", "token_mismatch", "token_reused"}
# 21 notes of 2,000 characters and a general note of 5,000, at 4 bytes a character, fit.
MAX_SAVE_BYTES = 256 * 1024
# A sheet with photos (multipart): 30 photos the tablet made a few hundred KB each, with
# room to spare. deploy/nginx-bantar.conf lets this much through on the save URL only.
MAX_SAVE_WITH_PHOTOS_BYTES = 20 * 1024 * 1024
DATABASE_DOWN_MESSAGE = (
    "Server basis data sedang tidak dapat dihubungi; jawaban Anda tetap tersimpan di "
    "perangkat. Coba kirim lagi nanti."
)
# Left to right as the regulation says it: 2 baik, 1 sedang, 0 kurang.
# The sheet takes photos and the assessor's position on the spot (sheet-evidence.js): this
# page alone may ask for camera and geolocation; every other feature stays off as elsewhere.
SCORING_SHEET_PERMISSIONS = {**settings.PERMISSIONS_POLICY, "camera": "self", "geolocation": "self"}


def assessor_required(view):
    """Tim Penilai only: officers go to their admin, anyone else gets a friendly 403."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if roles.is_assessor(request.user):
            return view(request, *args, **kwargs)
        if request.user.is_staff:
            messages.info(request, "Halaman penilaian hanya untuk Tim Penilai.")
            return redirect("admin:index")
        return _refusal(request, "Halaman penilaian hanya untuk anggota Tim Penilai.", 403)

    return wrapper


def _refusal(request, message, status):
    return render(request, "assessments/scoring_refused.html", {"message": message}, status=status)


def assigned_proposals(user):
    """The user's RTs to score in cycles at the Penilaian stage, with their progress."""
    mine = Assessment.objects.filter(proposal=OuterRef("pk"), assessor=user)
    draft_scored = (
        Score.objects.filter(
            assessment__proposal=OuterRef("pk"),
            assessment__assessor=user,
            assessment__status=Assessment.Status.DRAFT,
        )
        .values("assessment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Proposal.objects.assigned_to(user)
        .filter(cycle__stage=Cycle.Stage.PENILAIAN)
        .select_related("cycle")
        .annotate(
            has_draft=Exists(mine.filter(status=Assessment.Status.DRAFT)),
            has_reopened=Exists(
                mine.filter(status=Assessment.Status.DRAFT, reopened_at__isnull=False)
            ),
            has_sent=Exists(mine.filter(status=Assessment.Status.SENT)),
            has_conflict=Exists(
                ConflictOfInterest.objects.filter(proposal=OuterRef("pk"), assessor=user)
            ),
            draft_scored=Subquery(draft_scored, output_field=IntegerField()),
        )
        .order_by("kecamatan_name", "kelurahan_name", "rt_number")
    )


def search_proposals(proposals, query):
    """'RT 5 buluran' finds RT 05 in Buluran Kenali: numbers match the RT, words the areas."""
    for word in re.findall(r"\d+|[^\W\d_]+", query.lower()):
        if word.isdigit():
            proposals = proposals.filter(rt_number=int(word))
        elif word not in {"rt", "kel", "kelurahan", "kec", "kecamatan"}:
            proposals = proposals.filter(
                Q(kelurahan_name__icontains=word) | Q(kecamatan_name__icontains=word)
            )
    return proposals


def progress_of(proposal):
    """The server's side of an RT's state; the tablet adds its own (static/js/assessor-app.js)."""
    if proposal.has_conflict:
        return "konflik"
    if proposal.has_reopened:
        return "dibuka"
    if proposal.has_draft:
        return "draf"
    if proposal.has_sent:
        return "terkirim"
    return "belum"


# The list shows what is left to do first: not scored, drafts, reopened, then the rest.
PROGRESS_ORDER = ["belum", "draf", "dibuka", "terkirim", "konflik"]
STILL_TO_SEND = {"belum", "draf", "dibuka"}


def rows_to_show(proposals):
    """The RTs with their progress, by cycle, then by what is left to do, then by area."""
    rows = list(proposals)
    for row in rows:
        row.progress = progress_of(row)
    rows.sort(
        key=lambda r: (
            -r.cycle.year,
            r.cycle_id,
            PROGRESS_ORDER.index(r.progress),
            r.kecamatan_name,
            r.kelurahan_name,
            r.rt_number,
        )
    )
    return rows


def next_to_score(user, proposal):
    """The RT to go to after this one: the next still to send, in this cycle if any."""
    rows = [
        r
        for r in rows_to_show(assigned_proposals(user))
        if r.progress in STILL_TO_SEND and r.pk != proposal.pk
    ]
    rows.sort(key=lambda r: r.cycle_id != proposal.cycle_id)  # stable: keeps list order
    return rows[0] if rows else None


def for_this_user(response, user):
    # Names the user the page was made for: the service worker keeps it under their id;
    # the content's version lets the tablet tell a changed page from its kept copy.
    response[offline.USER_HEADER] = str(user.pk)
    response[offline.CONTENT_HEADER] = offline.content_version(response.content)
    return response


@assessor_required
def assessor_home(request):
    query = request.GET.get("q", "").strip()
    rows = rows_to_show(search_proposals(assigned_proposals(request.user), query))
    counts = {key: sum(r.progress == key for r in rows) for key in PROGRESS_ORDER}
    response = render(
        request,
        "assessments/assessor_home.html",
        {
            "rows": rows,
            "query": query,
            "counts": counts,
            "total": len(rows),
            "app_config": app_config(request),
        },
    )
    return for_this_user(response, request.user)


def app_config(request):
    """What static/js/assessor-app.js needs on both assessor pages (json_script)."""
    return {
        "user": request.user.pk,
        "home": reverse("assessments:assessor-home"),
        "serviceWorker": reverse("assessments:service-worker"),
        "offlineManifest": reverse("assessments:offline-manifest"),
        "loginUrl": reverse("login") + "?next=" + reverse("assessments:assessor-home"),
        "logoutUrl": reverse("logout"),
        "userHeader": offline.USER_HEADER,
        "contentHeader": offline.CONTENT_HEADER,
        "keptAtHeader": offline.KEPT_AT_HEADER,
        "freshSeconds": offline.FRESH_SECONDS,
    }


def get_proposal_for_assessor(request, proposal_id):
    return (
        Proposal.objects.assigned_to(request.user)
        .select_related("cycle__indicator_set", "team")
        .filter(pk=proposal_id)
        .first()
    )


def _not_assigned(request):
    return _refusal(
        request,
        "RT ini tidak ada dalam daftar tugas Anda. Bila seharusnya Anda menilainya, "
        "hubungi Admin DPMPPA.",
        404,
    )


@permissions_policy_override(SCORING_SHEET_PERMISSIONS)
@never_cache
@assessor_required
def scoring_sheet(request, proposal_id):
    proposal = get_proposal_for_assessor(request, proposal_id)
    if proposal is None:
        return _not_assigned(request)
    conflict = ConflictOfInterest.objects.filter(proposal=proposal, assessor=request.user).first()
    if conflict:
        return _refusal(
            request,
            f"Anda telah menyatakan konflik kepentingan untuk RT ini ({conflict.reason}), "
            "sehingga tidak menilainya.",
            403,
        )
    cycle = proposal.cycle
    draft, sent = scoring.latest_sheets(proposal, request.user)
    sheet = draft or sent
    stage_open = cycle.is_open_for(Cycle.Stage.PENILAIAN)
    editable = stage_open and (draft is not None or sent is None)
    scores = {s.indicator_id: s for s in sheet.scores.all()} if sheet else {}
    photos = {}
    for photo in sheet.photos.select_related("indicator") if sheet else []:
        photos.setdefault(photo.indicator_id, []).append(photo)
    indicators = list(Indicator.objects.filter(indicator_set=cycle.indicator_set_id))
    for indicator in indicators:
        score = scores.get(indicator.pk)
        indicator.value = score.value if score else None
        indicator.note = score.note if score else ""
        indicator.photos = photos.get(indicator.pk, [])
    pillars = _by_pillar(indicators)
    following = next_to_score(request.user, proposal)
    config = {
        "proposal": proposal.pk,
        "user": request.user.pk,
        "saveUrl": reverse("assessments:scoring-save", args=[proposal.pk]),
        "loginUrl": reverse("login") + "?next=" + request.path,
        "editable": editable,
        "status": sheet.status if sheet else None,
        "token": str(draft.client_token) if draft else None,
        "sentToken": str(sent.client_token) if sent else None,
        "count": len(indicators),
        # Photos already on the server count towards the limits (sheet-evidence.js).
        "serverPhotos": {pk: len(found) for pk, found in photos.items()},
        "photoLimits": {
            "perIndicator": evidence.MAX_PHOTOS_PER_INDICATOR,
            "perSheet": evidence.MAX_PHOTOS_PER_SHEET,
            "bytes": evidence.MAX_PHOTO_BYTES,
        },
        "nextUrl": (
            reverse("assessments:scoring-sheet", args=[following.pk]) if following else None
        ),
        "nextLabel": (
            f"RT {following.rt_number:02d} {following.kelurahan_name}" if following else None
        ),
    }
    response = render(
        request,
        "assessments/scoring_sheet.html",
        {
            "proposal": proposal,
            "cycle": cycle,
            "sheet": sheet,
            "draft": draft,
            "sent": sent,
            "editable": editable,
            "stage_open": stage_open,
            "pillars": pillars,
            "score_choices": SCORE_CHOICES,
            "total": sum(p["subtotal"] for p in pillars),
            "max_total": 2 * len(indicators),
            "answered": sum(i.value is not None for i in indicators),
            "config": config,
            "following": following,
            "app_config": app_config(request),
        },
    )
    return for_this_user(response, request.user)


def _by_pillar(indicators):
    pillars = {}
    for indicator in indicators:
        group = pillars.setdefault(
            indicator.pillar,
            {"code": indicator.pillar, "label": indicator.get_pillar_display(), "items": []},
        )
        group["items"].append(indicator)
    for group in pillars.values():
        group["max"] = 2 * len(group["items"])
        group["subtotal"] = sum(i.value or 0 for i in group["items"])
    return list(pillars.values())


def _json_error(messages_, *, status, code, **extra):
    """A refusal the tablet can act on: `code` says which case (it decides whether the
    outbox waits, asks to log in or shows a conflict), `message` says it in Indonesian."""
    messages_ = list(messages_)
    return JsonResponse(
        {"ok": False, "code": code, "message": " ".join(messages_), "errors": messages_, **extra},
        status=status,
    )


def json_when_database_down(view):
    """A JSON endpoint answers a database outage with JSON 503, not Django's HTML 500:
    the tablet tells it from a refusal, keeps its copy and sends again later."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            logger.exception("Database unreachable while answering %s", request.path)
            response = _json_error([DATABASE_DOWN_MESSAGE], status=503, code="database_down")
            response["Retry-After"] = "60"
            return response

    return wrapper


def _has_photos(request):
    return request.content_type == "multipart/form-data"


def _body_limit(request):
    return MAX_SAVE_WITH_PHOTOS_BYTES if _has_photos(request) else MAX_SAVE_BYTES


def _body_too_large(request):
    limit = _body_limit(request)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return True
    # A multipart body is read by Django's parser, within the declared length: not held
    # in memory here. JSON is small: read it to be sure.
    return not _has_photos(request) and len(request.body) > limit


def _read_payload(request):
    """The save's fields and its photos (checked and re-encoded) from JSON or multipart."""
    if _has_photos(request):
        payload = parse_sheet_payload(request.POST.get("payload", ""))
    else:
        payload = parse_sheet_payload(request.body)
    payload["photos"] = parse_photo_uploads(payload["photos"], request.FILES)
    return payload


def _status_for(error):
    """(HTTP status, the one code the tablet is told): a refusal wins over a conflict,
    a conflict over a problem with the answers ("invalid": fix the sheet and send again)."""
    codes = [e.code for e in error.error_list]
    for group, status in ((FORBIDDEN_CODES, 403), (CONFLICT_CODES, 409)):
        for code in codes:
            if code in group:
                return status, code
    return 400, "invalid"


def sheet_state(sheet, *, values):
    """The answer to a save; a repeated send is answered with exactly the same. `values`
    are the answers just saved: a repeated send carries exactly the stored ones (or is
    refused), so counting them again in the database would only cost a query."""
    sent = sheet.status != Assessment.Status.DRAFT
    return {
        "ok": True,
        "client_token": str(sheet.client_token),
        "status": sheet.status,
        "version": sheet.version,
        "sent_at": sheet.sent_at.isoformat() if sheet.sent_at else None,
        "scored": len(values),
        "total": sum(values.values()),
        "message": "Lembar penilaian terkirim." if sent else "Draf tersimpan di server.",
    }


@json_when_database_down
@never_cache
@require_POST
def save_sheet_api(request, proposal_id):
    # JSON in, JSON out: an expired session is a 401 the page can tell from success,
    # never a redirect to the login page.
    if not request.user.is_authenticated:
        return _json_error(
            [
                "Sesi Anda sudah berakhir. Silakan masuk lagi; jawaban Anda tetap "
                "tersimpan di perangkat ini."
            ],
            status=401,
            code="session_expired",
            login_url=reverse("login")
            + "?next="
            + reverse("assessments:scoring-sheet", args=[proposal_id]),
        )
    # Only Tim Penilai may save. A JSON save asks the role in the write's own lock statement
    # (one query fewer on every send); a photo upload is refused before its photos are read.
    if _has_photos(request) and not roles.is_assessor(request.user):
        return _not_assessor()
    response = _save(request, proposal_id)
    # Whatever else is wrong, someone outside Tim Penilai is told that first, as before.
    if response.status_code != 200 and not roles.is_assessor(request.user):
        return _not_assessor()
    return response


def _save(request, proposal_id):
    if _body_too_large(request):
        return _json_error([_too_large_message(request)], status=413, code="too_large")
    try:
        payload = _read_payload(request)
        write = scoring.send_sheet if payload.pop("send") else scoring.save_sheet
        # The write locks and reads the proposal itself; reading it here too cost a query.
        sheet = write(
            proposal=Proposal(pk=proposal_id),
            assessor=request.user,
            tim_penilai_only=True,
            **payload,
        )
    except Proposal.DoesNotExist:
        return _json_error(["Usulan ini tidak ditemukan."], status=404, code="not_found")
    except ValidationError as error:
        status, code = _status_for(error)
        return _json_error(error.messages, status=status, code=code)
    return JsonResponse(sheet_state(sheet, values=payload["values"]))


def _not_assessor():
    return _json_error([scoring.NOT_TIM_PENILAI_MESSAGE], status=403, code="not_assessor")


def _too_large_message(request):
    if _has_photos(request):
        return (
            f"Foto-foto lembar ini terlalu besar bersama-sama (lebih dari "
            f"{MAX_SAVE_WITH_PHOTOS_BYTES // (1024 * 1024)} MB). Hapus beberapa foto lalu "
            "kirim lagi; jawaban Anda tetap tersimpan di perangkat ini."
        )
    return (
        f"Data yang dikirim terlalu besar (lebih dari {MAX_SAVE_BYTES // 1024} KB). "
        "Perpendek catatan lalu kirim lagi; jawaban Anda tetap tersimpan di perangkat ini."
    )


@assessor_required
def declare_conflict_view(request, proposal_id):
    proposal = get_proposal_for_assessor(request, proposal_id)
    if proposal is None:
        return _not_assigned(request)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposal_workflow.declare_conflict(
                proposal=proposal, assessor=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, getattr(error, "messages", None) or str(error))
        else:
            messages.success(
                request, f"Konflik kepentingan untuk {proposal} tercatat; Anda tidak menilainya."
            )
            return redirect("assessments:assessor-home")
    return render(
        request, "assessments/scoring_conflict.html", {"proposal": proposal, "form": form}
    )
