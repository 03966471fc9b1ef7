"""The offline app's three addresses under /penilaian/: the service worker, the install
manifest and the list of pages one assessor keeps on the tablet (assessments/offline.py)."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from assessments import offline
from assessments.scoring_views import assigned_proposals
from rt_registry import roles


@require_GET
@cache_control(max_age=offline.WORKER_MAX_AGE_SECONDS)
def service_worker(request):
    # The browser looks for a new worker at every page of the app; for an hour it takes
    # this answer from its own cache (the page registers with updateViaCache "all"), so a
    # page opened from the device makes no request at all. A new version (a changed
    # static file) reaches the tablets within that hour, on their next page.
    response = HttpResponse(
        offline.service_worker_source(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = offline.web_manifest()["scope"]
    return response


@require_GET
def web_manifest(request):
    return JsonResponse(
        offline.web_manifest(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@never_cache
def offline_manifest(request):
    """The pages to keep for the logged-in assessor; JSON 401/403 (never a redirect to the
    login page), since the tablet's script reads the answer."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {
                "ok": False,
                "code": "session_expired",
                "message": "Sesi Anda sudah berakhir. Masuk lagi untuk menyiapkan perangkat.",
            },
            status=401,
        )
    if not roles.is_assessor(request.user):
        return JsonResponse(
            {
                "ok": False,
                "code": "not_assessor",
                "message": "Hanya anggota Tim Penilai yang dapat menyiapkan lembar penilaian.",
            },
            status=403,
        )
    urls = offline.offline_urls(assigned_proposals(request.user))
    return JsonResponse(
        {"ok": True, "user": request.user.pk, "version": offline.app_version(), **urls}
    )
