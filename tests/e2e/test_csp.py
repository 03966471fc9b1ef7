"""Browser: every page of every role loads under the strict Content-Security-Policy with
no violation. The demo data (seed_demo) gives each role real rows; the admin pages come
from admin.site._registry, so a newly registered model is visited without editing this
file. Violations are caught twice: the `securitypolicyviolation` event on the document
and Chromium's console message."""

import io
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from assessments.models import Assessment, Cycle, DocumentJob, Proposal, Team
from awards.models import Award, Decree
from rt_registry.management.commands.seed_demo import DEMO_PASSWORD
from tests.e2e.conftest import login

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

ADMIN_DPMPPA = "dpmppa"
PETUGAS_KECAMATAN = "kec.telanaipura"
PETUGAS_KELURAHAN = "kel.buluran-kenali"
TIM_PENILAI = "penilai1"


def admin_url(name, *args):
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


def admin_pages(username):
    """The admin index, then per registered model the role may see: its change list, add
    form, one change form with its history, and the import/export pages it may open."""
    request = RequestFactory().get("/admin/")
    request.user = get_user_model().objects.get(username=username)
    pages = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        pages.append(admin_url(f"{info}_changelist"))
        if model_admin.has_add_permission(request):
            pages.append(admin_url(f"{info}_add"))
        obj = model_admin.get_queryset(request).order_by("-pk").first()
        if obj is not None and model_admin.has_view_or_change_permission(request, obj):
            pages += [admin_url(f"{info}_change", obj.pk), admin_url(f"{info}_history", obj.pk)]
        if getattr(model_admin, "has_import_permission", None) and (
            model_admin.has_import_permission(request)
        ):
            pages.append(admin_url(f"{info}_import"))
        if getattr(model_admin, "has_export_permission", None) and (
            model_admin.has_export_permission(request)
        ):
            pages.append(admin_url(f"{info}_export"))
    return [page for page in pages if page]


def public_pages():
    decree = Decree.objects.filter(status="FINAL").first()
    award = Award.objects.first()
    return [
        "/",
        reverse("assessments:indicator-list"),
        reverse("awards:verify-form"),
        reverse("awards:verify", args=[decree.verification_code]),
        reverse("awards:verify", args=[award.certificate_code]),
        reverse("login"),
        reverse("admin:login"),
        # Issue 11: public results of the decree in force, and the self-check.
        reverse("dashboards:results"),
        reverse("dashboards:results-cycle", args=[decree.cycle.year, decree.cycle.period]),
        reverse("dashboards:results-kelurahan", args=[award.rt.kelurahan_id]),
        reverse("dashboards:self-check"),
    ]


def staff_pages(username):
    cycles = list(Cycle.objects.order_by("pk"))
    decided = Cycle.objects.filter(awards__isnull=False).distinct().get()
    pages = [
        reverse("awards:certificate-cycles"),
        reverse("awards:certificate-list", args=[decided.pk]),
    ]
    # Issue 11: the dashboard pages of each cycle and one RT of the role's area.
    user = get_user_model().objects.get(username=username)
    rt = Proposal.objects.visible_to(user).order_by("pk").values_list("rt_id", flat=True)[0]
    for c in cycles:
        pages += [
            reverse("dashboards:dashboard") + f"?periode={c.pk}",
            reverse("dashboards:indicators") + f"?periode={c.pk}",
        ]
    pages.append(reverse("dashboards:rt-detail", args=[rt]))
    if username in (ADMIN_DPMPPA, PETUGAS_KECAMATAN):
        pages += [reverse("assessments:recap", args=[c.pk]) for c in cycles]
    if username == ADMIN_DPMPPA:
        pages += [reverse("assessments:decisions", args=[c.pk]) for c in cycles]
        pages += [
            reverse("assessments:document-job", args=[j.pk]) for j in DocumentJob.objects.all()
        ]
    return pages


def workflow_pages(username):
    """The portal's own admin pages beside the standard ones (confirmations, imports).
    Some answer with a refusal in the demo's stage; that page is checked all the same."""
    current = Cycle.objects.order_by("-pk").first()
    proposals = Proposal.objects.filter(cycle=current).order_by("pk")
    pages = []
    if username == ADMIN_DPMPPA:
        team = Team.objects.filter(cycle=current).order_by("pk").first()
        sheet = Assessment.objects.filter(status="SENT").order_by("pk").first()
        pages += [admin_url("assessments_cycle_advance", c.pk) for c in Cycle.objects.all()]
        pages += [
            admin_url("assessments_team_add_area", team.pk),
            admin_url("assessments_assessment_reopen", sheet.pk),
        ]
    if username == PETUGAS_KECAMATAN:
        proposal = proposals.filter(status="DIAJUKAN").first() or proposals.first()
        pages.append(admin_url("assessments_proposal_return", proposal.pk))
    if username == PETUGAS_KELURAHAN:
        proposal = proposals.filter(status="DIKEMBALIKAN").first() or proposals.first()
        pages += [
            admin_url("assessments_proposal_import"),
            admin_url("assessments_proposal_resubmit", proposal.pk),
        ]
    return pages


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

    for username in (ADMIN_DPMPPA, PETUGAS_KECAMATAN, PETUGAS_KELURAHAN):
        browser_context.clear_cookies()
        login(page, username, DEMO_PASSWORD)
        page.wait_for_url("**/dasbor/")
        visitor.check(f"{username} login")
        for url in admin_pages(username) + staff_pages(username):
            visitor.visit(url)
        for url in workflow_pages(username):
            visitor.visit(url, expect_status="any")
        if username == ADMIN_DPMPPA:
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
