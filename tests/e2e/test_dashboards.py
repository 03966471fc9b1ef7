"""Browser: the dashboards, public results and the self-check on the demo data, at
1366×768 and 360×800. Every chart is drawn with real numbers, axe (vendored, tests only)
finds no critical or serious violation, nothing scrolls sideways, and the self-check
computes in the page and opens again without signal. Screenshots go to
$BANTAR_SCREENSHOTS (default /tmp/bantar-screenshots) to look at."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from awards.models import Award, Decree
from rt_registry.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SHOTS = Path(os.environ.get("BANTAR_SCREENSHOTS", "/tmp/bantar-screenshots"))
SIZES = {"desktop": (1366, 768), "phone": (360, 800)}


@pytest.fixture
def axe_context(_chromium, live_server, settings):
    """A context that may inject axe despite the page's CSP (bypass_csp), tests only."""
    settings.DEBUG = False
    context = _chromium.new_context(base_url=live_server.url, locale="id-ID", bypass_csp=True)
    yield context
    context.close()


def axe_problems(page):
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['critical', 'serious'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"
    )
    return result


def check_page(page, url, name, problems):
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(url)
        assert response.status == 200, url
        page.wait_for_load_state("networkidle")
        scroll = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if scroll > 1:
            problems.append(f"{url} {size}: {scroll}px sideways")
        problems += [f"{url} {size}: {p}" for p in axe_problems(page)]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"), full_page=True)


def drawn_charts(page):
    """Per chart box: whether Chart.js drew on its canvas (a chart instance exists)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.dash-chart canvas')]"
        ".map(c => !!(window.Chart && window.Chart.getChart(c)))"
    )


def test_dashboards_and_public_pages_on_demo_data(axe_context):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    page = axe_context.new_page()
    page.set_default_timeout(20000)
    problems = []

    decree = Decree.objects.get(status="FINAL")
    cycle = decree.cycle
    award = Award.objects.filter(cycle=cycle).select_related("rt").first()
    public = {
        "hasil": reverse("dashboards:results"),
        "hasil-periode": reverse("dashboards:results-cycle", args=[cycle.year, cycle.period]),
        "hasil-kelurahan": reverse("dashboards:results-kelurahan", args=[award.rt.kelurahan_id]),
        "cek-mandiri": reverse("dashboards:self-check"),
    }
    for name, url in public.items():
        check_page(page, url, name, problems)
    page.goto(public["hasil-periode"])
    assert page.locator("tr[data-award]").count() == Award.objects.filter(cycle=cycle).count()

    login(page, "dpmppa", DEMO_PASSWORD)
    page.wait_for_url("**/dasbor/")
    for name, url in {
        "dasbor": reverse("dashboards:dashboard"),
        "dasbor-lalu": reverse("dashboards:dashboard") + f"?periode={cycle.pk}",
        "dasbor-indikator": reverse("dashboards:indicators"),
        "dasbor-rt": reverse("dashboards:rt-detail", args=[award.rt_id]),
    }.items():
        check_page(page, url, name, problems)
        charts = drawn_charts(page)
        if name != "dasbor-rt":
            assert charts and all(charts), f"{name}: grafik tidak tergambar {charts}"

    # The funnel's numbers on the page are real (not all zero) on the demo data.
    page.goto(reverse("dashboards:dashboard"))
    funnel = page.locator("table[data-table=corong] tbody tr td:nth-child(2)").all_text_contents()
    assert len(funnel) == 6 and int(funnel[0].replace(".", "")) > 1000
    assert int(funnel[1]) > 0 and int(funnel[2]) > 0

    assert not problems, "\n".join(problems)


def test_self_check_computes_in_the_page_and_works_offline(page, live_server):
    from tests import factories

    factories.make_cycle(year=2026, stage="USULAN")
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(reverse("dashboards:self-check"))
    # All 2 except the Aman pillar at 0: total 28/42 = 66,67% and Aman under the line.
    for fieldset in page.locator("fieldset[data-indicator]").all():
        code = fieldset.get_attribute("data-indicator")
        value = "0" if code.startswith("A") else "2"
        fieldset.locator(f"input[value='{value}']").check()
    summary = page.inner_text("#self-check-summary")
    assert "BELUM memenuhi" in summary and "66,67%" in summary
    assert page.inner_text("[data-pillar=AMAN] [data-cell=status]") == "di bawah garis"
    assert page.inner_text("[data-pillar=BERSIH] [data-cell=pct]") == "100%"
    improve = page.locator("#self-check-improve li").all_inner_texts()
    assert len(improve) == 7 and improve[0].startswith("A1")

    # Offline: the service worker answers the page and its files after one visit.
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.reload()
        assert page.locator("fieldset[data-indicator]").count() == 21
        page.locator("fieldset[data-indicator='B1'] input[value='1']").check()
        assert "Total" in page.inner_text("#self-check-summary")
    finally:
        page.context.set_offline(False)
