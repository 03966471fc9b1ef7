"""Browser: every page of every role loads under the strict Content-Security-Policy with
no violation. The pages come from tests/e2e/pages.py (shared with the accessibility
test). Violations are caught twice: the `securitypolicyviolation` event on the document
and Chromium's console message."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Cycle
from rt_registry.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import login
from tests.e2e.pages import OFFICERS, TIM_PENILAI, officer_pages, public_pages

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(
    e.effectiveDirective + " blocked " + (e.blockedURI || "inline") + " at " +
    e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""
READ_VIOLATIONS = (
    "() => new Promise(r => setTimeout(() => r(window.__cspViolations || ['no listener']), 150))"
)


class Visitor:
    """One page, its console and the violations of each visit; problems pile up so one
    run reports every offending page, not the first."""

    def __init__(self, page):
        self.page = page
        self.console = []
        self.problems = []
        self.visited = []
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def check(self, label):
        violations = self.page.evaluate(READ_VIOLATIONS) + self.console
        self.problems += [f"{label}: {v}" for v in violations]
        self.console.clear()

    def visit(self, url, *, expect_status=200):
        self.visited.append(url)
        response = self.page.goto(url)
        status = response.status if response else None
        if expect_status == "any" and status is not None and status < 500:
            pass
        elif status != expect_status:
            self.problems.append(f"{url}: HTTP {status}, expected {expect_status}")
        self.check(url)


def regenerate_asks_first(page):
    """«Buat ulang» asks through static/js/confirm.js (no inline onsubmit); «Batal» sends
    nothing."""
    decided = Cycle.objects.filter(awards__isnull=False).distinct().get()
    page.goto(reverse("awards:certificate-list", args=[decided.pk]))
    questions, posts = [], []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))

    def record_post(request):
        if request.method == "POST":
            posts.append(request.url)

    page.on("request", record_post)
    page.locator("form[data-confirm] button").first.click()
    page.wait_for_timeout(300)
    page.remove_listener("request", record_post)
    assert questions == ["Buat ulang piagam ini? Berkas dan SHA-256 lama diganti."]
    assert posts == []


def test_every_page_of_every_role_loads_without_csp_violation(browser_context):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    browser_context.add_init_script(LISTENER)
    page = browser_context.new_page()
    page.set_default_timeout(15000)
    visitor = Visitor(page)

    # Anonymous: the public pages, the login pages and a page that does not exist.
    for url in public_pages():
        visitor.visit(url)
    visitor.visit(reverse("awards:verify", args=["TIDAKADA"]), expect_status=404)
    visitor.visit("/tidak-ada/", expect_status=404)

    for username in OFFICERS:
        browser_context.clear_cookies()
        login(page, username, DEMO_PASSWORD)
        page.wait_for_url("**/dasbor/")
        visitor.check(f"{username} login")
        for url, status in officer_pages(username):
            visitor.visit(url, expect_status=status)
        if username == OFFICERS[0]:
            regenerate_asks_first(page)

    # The assessor: the RT list, then a scoring sheet whose script runs under the policy.
    browser_context.clear_cookies()
    login(page, TIM_PENILAI, DEMO_PASSWORD)
    page.wait_for_url("**/penilaian/")
    visitor.check(f"{TIM_PENILAI} login")
    sheets = [
        href
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.pathname)")
        if re.fullmatch(r"/penilaian/\d+/", href)
    ]
    assert sheets, "Penilai demo tidak punya lembar penilaian untuk dibuka."
    # Open sheets until one is still open for scoring (the demo has sent ones too).
    editable = None
    for sheet in sheets:
        visitor.visit(sheet)
        if page.locator("#save-draft").count():
            editable = sheet
            break
    assert editable, "Penilai demo tidak punya lembar yang masih bisa diisi."
    page.locator("fieldset[data-indicator] label.score-2").first.click()
    page.click("#save-draft")
    page.wait_for_selector("#sheet-notice.alert-success")
    visitor.check(f"{editable} (simpan draf)")
    visitor.visit(editable + "konflik/")

    assert not visitor.problems, "\n".join(visitor.problems)
