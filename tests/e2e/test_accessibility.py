"""Browser: axe-core finds no critical or serious accessibility violation on any page of
any role (the pages of tests/e2e/pages.py, as the CSP test visits them).

axe-core is vendored for the tests only (tests/e2e/vendor/axe.min.js, MPL-2.0, from
`npm pack axe-core`). The strict Content-Security-Policy blocks a script Playwright
injects into a page, so this test runs in its own browser context with `bypass_csp`; the
CSP itself is tested by test_csp.py."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from rt_registry.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import login
from tests.e2e.pages import OFFICERS, TIM_PENILAI, officer_pages, public_pages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = ("critical", "serious")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


@pytest.fixture
def axe_page(_chromium, live_server, settings):
    settings.DEBUG = False
    context = _chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 1366, "height": 768},
        locale="id-ID",
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class Auditor:
    """Runs axe on each page; findings pile up so one run reports every page."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        self.audited = 0

    def audit(self, label):
        self.page.add_script_tag(path=str(AXE))
        for v in self.page.evaluate(RUN_AXE):
            if v["impact"] in BLOCKING:
                self.problems.append(
                    f"{label}: [{v['impact']}] {v['id']} {v['help']} {v['targets']}"
                )
        self.audited += 1

    def visit(self, url, *, expect_status=200):
        response = self.page.goto(url)
        status = response.status if response else None
        if not (expect_status == "any" and status is not None and status < 500):
            assert status == expect_status, f"{url}: HTTP {status}, expected {expect_status}"
        self.audit(url)


def test_no_page_of_any_role_has_a_serious_accessibility_violation(axe_page):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    auditor = Auditor(axe_page)

    for url in public_pages():
        auditor.visit(url)
    auditor.visit(reverse("awards:verify", args=["TIDAKADA"]), expect_status=404)

    for username in (*OFFICERS, TIM_PENILAI):
        axe_page.context.clear_cookies()
        login(axe_page, username, DEMO_PASSWORD)
        axe_page.wait_for_url("**/penilaian/" if username == TIM_PENILAI else "**/dasbor/")
        auditor.audit(f"{username} beranda")
        if username == TIM_PENILAI:
            # The scoring sheet, the page the assessor works on.
            links = axe_page.eval_on_selector_all("a[href]", "els => els.map(e => e.pathname)")
            auditor.visit(next(h for h in links if re.fullmatch(r"/penilaian/\d+/", h)))
            continue
        for url, status in officer_pages(username):
            auditor.visit(url, expect_status=status)

    assert auditor.audited > 50
    assert not auditor.problems, "\n".join(auditor.problems)
