from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from rt_registry import roles


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "tidak terjangkau"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def home(request):
    """Each role lands on its work: assessors on their RTs, officers in the admin."""
    user = request.user
    if roles.is_assessor(user) and not user.is_staff:
        return redirect("assessments:assessor-home")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("public-home")
