"""The "Tugas Anda" panel on the admin index: each role sees its open work with links,
so an officer's first screen says what to do next: every next step of the cycle's stage
(teams, advancing the stage, decisions, SK, piagam, payments) is one click away, never an
admin action that needs rows ticked. A fixed number of queries."""

from django import template
from django.db.models import Count, Q

from assessments.models import Assessment, Cycle, Proposal, Team
from awards.models import Award
from documents.jobs import worker_down_message, worker_state
from rt_registry import roles

register = template.Library()

Status = Proposal.Status


def next_stage_label(cycle):
    """The stage an officer may advance the cycle to by hand, or None: Ditetapkan comes
    only with the final SK (cycles.advance_stage)."""
    following = cycle.next_stage()
    if following in (None, Cycle.Stage.DITETAPKAN):
        return None
    return Cycle.Stage(following).label


@register.inclusion_tag("admin/_work_panel.html")
def work_panel(user):
    cycles = list(Cycle.objects.exclude(stage=Cycle.Stage.ARSIP).order_by("-year", "-period")[:2])
    counts = {
        row["cycle"]: row
        for row in Proposal.objects.visible_to(user)
        .filter(cycle__in=cycles)
        .values("cycle")
        .annotate(
            total=Count("pk"),
            diajukan=Count("pk", filter=Q(status=Status.DIAJUKAN)),
            dikembalikan=Count("pk", filter=Q(status=Status.DIKEMBALIKAN)),
            diverifikasi=Count("pk", filter=Q(status=Status.DIVERIFIKASI)),
            tanpa_tim=Count("pk", filter=Q(status=Status.DIVERIFIKASI, team__isnull=True)),
        )
    }
    sent = dict(
        Assessment.objects.sent()
        .filter(proposal__in=Proposal.objects.visible_to(user).filter(cycle__in=cycles))
        .values_list("proposal__cycle")
        .annotate(n=Count("pk"))
    )
    teams = dict(Team.objects.filter(cycle__in=cycles).values_list("cycle").annotate(n=Count("pk")))
    awards = dict(
        Award.objects.visible_to(user)
        .filter(cycle__in=cycles)
        .values_list("cycle")
        .annotate(n=Count("pk"))
    )
    rows = []
    for cycle in cycles:
        row = counts.get(cycle.pk, {})
        rows.append(
            {
                "cycle": cycle,
                "total": row.get("total", 0),
                "diajukan": row.get("diajukan", 0),
                "dikembalikan": row.get("dikembalikan", 0),
                "diverifikasi": row.get("diverifikasi", 0),
                "tanpa_tim": row.get("tanpa_tim", 0),
                "sent": sent.get(cycle.pk, 0),
                "teams": teams.get(cycle.pk, 0),
                "awards": awards.get(cycle.pk, 0),
                "next_label": next_stage_label(cycle),
            }
        )
    return {
        "rows": rows,
        "worker_message": worker_down_message(worker_state()),
        "is_admin": roles.is_admin_dpmppa(user),
        "is_kecamatan": roles.is_kecamatan_officer(user),
        "is_kelurahan": roles.is_kelurahan_officer(user),
        "scope": getattr(getattr(user, "profile", None), "scope_label", "Kota Jambi"),
    }
