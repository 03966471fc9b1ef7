"""Public pages, no login: results from the decree in force (/hasil/, dashboards.results)
and the RT self-check (/cek-mandiri/, answered in the browser, nothing sent or stored)."""

import hashlib
import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache

from assessments.models import Cycle, Indicator, IndicatorSet, Pillar
from dashboards import results
from rt_registry.models import Kelurahan


def results_index(request):
    published = results.published_cycles()
    cycle_ids = [c.pk for c, _ in published]
    return render(
        request,
        "dashboards/results_index.html",
        {
            "published": published,
            "kelurahan_list": Kelurahan.objects.filter(rts__awards__cycle__in=cycle_ids)
            .select_related("kecamatan")
            .distinct(),
            "kencana": results.kencana_awards(cycle_ids),
        },
    )


def unpublished(request):
    """404 with the reason in plain words: no decree in force (none yet, or revoked)."""
    return render(request, "dashboards/results_unpublished.html", {}, status=404)


def results_cycle(request, year, period):
    found = results.published_cycle(year, period)
    if found is None:
        return unpublished(request)
    cycle, decree = found
    awards = results.winners(cycle)
    return render(
        request,
        "dashboards/results_cycle.html",
        {
            "cycle": cycle,
            "decree": decree,
            "groups": results.winner_groups(awards),
            "totals": results.totals(awards),
            "kencana": [a for a in awards if a.tier == "KENCANA"],
        },
    )


def results_csv(request, year, period):
    found = results.published_cycle(year, period)
    if found is None:
        return unpublished(request)
    cycle, decree = found
    body = results.winners_csv(cycle, decree, results.winners(cycle))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    filename = f"pemenang-bantar-{cycle.year}-periode-{cycle.period}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def results_kelurahan(request, kelurahan_id):
    kelurahan = get_object_or_404(Kelurahan.objects.select_related("kecamatan"), pk=kelurahan_id)
    cycles, rows = results.kelurahan_history(kelurahan)
    return render(
        request,
        "dashboards/results_kelurahan.html",
        {"kelurahan": kelurahan, "cycles": cycles, "rows": rows},
    )


# --- Self-check ------------------------------------------------------------------------

SELF_CHECK_STATIC = [
    "vendor/bootstrap/bootstrap.min.css",
    "css/bantar.css",
    "css/self-check.css",
    "js/nav.js",
    "js/self-check.js",
    "js/self-check-sw-register.js",
]


def self_check_data():
    """The indicators of the current cycle's set and its pass rule, for the page's JSON."""
    cycle = Cycle.objects.select_related("indicator_set").first()
    indicator_set = cycle.indicator_set if cycle else IndicatorSet.objects.first()
    indicators = list(Indicator.objects.filter(indicator_set=indicator_set).order_by("order"))
    rule = {
        "cycle": str(cycle) if cycle else "",
        "min_total_pct": float(cycle.pass_min_total_pct) if cycle else 70.0,
        "min_pillar_pct": float(cycle.pass_min_pillar_pct) if cycle else 50.0,
        "pillars": [{"code": p.value, "label": p.label} for p in Pillar],
        "indicators": [
            {"id": i.pk, "code": i.code, "pillar": i.pillar, "text": i.text} for i in indicators
        ],
    }
    return cycle, indicators, rule


def self_check(request):
    cycle, indicators, rule = self_check_data()
    return render(
        request,
        "dashboards/self_check.html",
        {"cycle": cycle, "indicators": indicators, "rule": rule},
    )


@never_cache
def self_check_service_worker(request):
    """A tiny service worker scoped to /cek-mandiri/: caches the page and its static
    files so the self-check opens again without signal. Never cached itself, so a new
    version (new hashed static names) is picked up on the next visit with signal."""
    urls = [request.path.rsplit("sw.js", 1)[0]] + [static(p) for p in SELF_CHECK_STATIC]
    # A new cache whenever a static file's (hashed) name changes.
    version = hashlib.sha256("|".join(urls).encode()).hexdigest()[:12]
    response = render(
        request,
        "dashboards/self_check_sw.js",
        # A JavaScript file, not HTML: JSON is the safe literal for these (our own) paths.
        {"urls_json": json.dumps(urls), "version": version},
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/cek-mandiri/"
    return response
