"""Staff pages: the cycle dashboard (/dasbor/), indicator analytics (/dasbor/indikator/),
one RT across cycles (/dasbor/rt/<id>/) and each table as xlsx. Admin DPMPPA sees the
city, officers their kecamatan or kelurahan (dashboards.stats, all via visible_to)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from assessments.models import Cycle
from dashboards import stats
from dashboards.tables import XLSX_TYPE, xlsx_bytes
from rt_registry.models import RT


def get_cycle(request, cycle_id=None):
    """The cycle asked for (?periode=<id> or the URL), else the newest; None if none."""
    cycles = Cycle.objects.select_related("indicator_set")
    cycle_id = cycle_id or request.GET.get("periode")
    if cycle_id:
        if not str(cycle_id).isdigit():
            raise Http404("Periode tidak ditemukan.")
        return get_object_or_404(cycles, pk=cycle_id)
    return cycles.first()


def page_context(request, cycle):
    return {
        "cycle": cycle,
        "cycles": Cycle.objects.all(),
        "scope": stats.scope_label(request.user),
    }


@login_required
def dashboard(request):
    stats.ensure_dashboard_user(request.user)
    cycle = get_cycle(request)
    context = page_context(request, cycle)
    if cycle is not None:
        sort = request.GET.get("urut", "cakupan")
        tables = stats.overview_tables(cycle=cycle, user=request.user, sort=sort)
        context |= {
            "sort": sort if sort in stats.COVERAGE_SORTS else "cakupan",
            "tables": [t for key, t in tables.items() if key != "penilai"],
            "progress": tables["penilai"],
            "days_left": stats.days_left(cycle),
        }
    return render(request, "dashboards/dashboard.html", context)


@login_required
def indicators(request):
    stats.ensure_dashboard_user(request.user)
    cycle = get_cycle(request)
    context = page_context(request, cycle)
    if cycle is not None:
        tables = stats.analysis_tables(cycle=cycle, user=request.user)
        context["tables"] = list(tables.values())
    return render(request, "dashboards/indicators.html", context)


@login_required
def table_xlsx(request, cycle_id, key):
    stats.ensure_dashboard_user(request.user)
    cycle = get_cycle(request, cycle_id)
    if key in stats.OVERVIEW_KEYS:
        sort = request.GET.get("urut", "cakupan")
        tables = stats.overview_tables(cycle=cycle, user=request.user, sort=sort)
    else:
        tables = stats.analysis_tables(cycle=cycle, user=request.user)
    table = tables.get(key)
    if table is None:
        raise Http404("Tabel tidak ditemukan.")
    heading = f"{table.title} – Kampung BANTAR {cycle} – {stats.scope_label(request.user)}"
    response = HttpResponse(xlsx_bytes(table, heading=heading), content_type=XLSX_TYPE)
    filename = f"dasbor-{key}-{cycle.year}-periode-{cycle.period}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def rt_detail(request, rt_id):
    stats.ensure_dashboard_user(request.user)
    rt = get_object_or_404(
        RT.objects.visible_to(request.user).select_related("kelurahan__kecamatan"), pk=rt_id
    )
    return render(
        request,
        "dashboards/rt_detail.html",
        {"rt": rt, "history": stats.rt_history(rt, request.user)},
    )
