"""Every page of every role, for the browser tests that visit them all
(test_csp.py: no Content-Security-Policy violation; test_accessibility.py: no serious
axe-core finding). Built from the demo data (seed_demo); the admin pages come from
admin.site._registry, so a newly registered model is visited without editing this file."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from assessments.models import Assessment, Cycle, Proposal, Team
from awards.models import Award, Decree
from documents.models import DocumentJob

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
        pages += [reverse("documents:job", args=[j.pk]) for j in DocumentJob.objects.all()]
        # Issue 8 §4: the visit's photos of one proposal (the "foto" link of a recap row).
        sheet = Assessment.objects.order_by("pk").first()
        pages.append(reverse("assessments:proposal-photos", args=[sheet.proposal_id]))
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


# The roles that log in to the admin, in the order the tests visit them.
OFFICERS = (ADMIN_DPMPPA, PETUGAS_KECAMATAN, PETUGAS_KELURAHAN)


def officer_pages(username):
    """(url, expected status) of every page an officer opens; workflow pages may refuse
    in the demo's stage ("any" status below 500)."""
    pages = [(url, 200) for url in admin_pages(username) + staff_pages(username)]
    return pages + [(url, "any") for url in workflow_pages(username)]
