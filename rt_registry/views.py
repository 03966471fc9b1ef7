from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from documents.jobs import worker_state
from rt_registry import roles


@never_cache
def healthz(request):
    """Database and background worker, as JSON for the load balancer and monitoring.
    503 when the database does not answer, or when documents wait and no worker beats."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "tidak terjangkau"}, status=503)
    worker = worker_state()
    stuck = worker["jobs_waiting"] and worker["status"] != "ok"
    body = {
        "status": "error" if stuck else "ok",
        "database": "ok",
        "worker": {
            "status": worker["status"],
            "last_seen": worker["last_seen"].isoformat() if worker["last_seen"] else None,
            "jobs_waiting": worker["jobs_waiting"],
        },
    }
    return JsonResponse(body, status=503 if stuck else 200)


@login_required
def home(request):
    """Each role lands on its work: assessors on their RTs, officers on the cycle
    dashboard of their area, other staff in the admin."""
    user = request.user
    if roles.is_assessor(user) and not user.is_staff:
        return redirect("assessments:assessor-home")
    if (
        roles.is_admin_dpmppa(user)
        or roles.is_kecamatan_officer(user)
        or roles.is_kelurahan_officer(user)
    ):
        return redirect("dashboards:dashboard")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("public-home")
