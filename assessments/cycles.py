"""The cycle's stage workflow: Persiapan → Usulan → Penilaian → Rekapitulasi → Ditetapkan →
Arsip, forward only. Ditetapkan is reached only when the SK is final (awards flow)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from assessments.models import Assessment, Cycle, Proposal
from rt_registry import roles
from rt_registry.templatetags.bantar import format_tanggal


def _save_with_history(cycle, *, by, reason):
    # simple-history takes the user from the request; outside one (shell, worker) from here.
    cycle._history_user = by
    cycle._change_reason = reason
    cycle.save()


@transaction.atomic
def advance_stage(cycle, *, by):
    """Move the cycle one stage forward. Returns the cycle (reloaded and saved)."""
    if not roles.is_admin_dpmppa(by):
        raise PermissionDenied("Hanya Admin DPMPPA yang dapat memindahkan tahap periode lomba.")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    following = cycle.next_stage()
    if following is None:
        raise ValidationError(
            f"Periode {cycle} sudah di tahap terakhir ({cycle.get_stage_display()}).",
            code="last_stage",
        )
    if following == Cycle.Stage.DITETAPKAN:
        raise ValidationError(
            f"Periode {cycle} tidak dapat dipindahkan ke tahap Ditetapkan secara manual: "
            "tahap ini dicapai otomatis saat SK Wali Kota difinalkan.",
            code="decree_only",
        )
    # Archiving a decided cycle changes none of its data, so the SK lock does not stop it.
    if following != Cycle.Stage.ARSIP:
        cycle.ensure_editable()
    label = Cycle.Stage(following).label
    cycle.stage = following
    _save_with_history(cycle, by=by, reason=f"Tahap dipindahkan ke {label}")
    return cycle


def stage_warnings(cycle):
    """What the officer should know before moving on (shown on the confirmation page)."""
    warnings = []
    if cycle.stage == Cycle.Stage.USULAN:
        pending = cycle.proposals.exclude(status=Proposal.Status.DIVERIFIKASI).count()
        if pending:
            warnings.append(
                f"{pending} usulan belum diverifikasi kecamatan; usulan itu tidak akan dinilai."
            )
    if cycle.stage in (Cycle.Stage.USULAN, Cycle.Stage.PENILAIAN):
        unassigned = cycle.proposals.verified().filter(team__isnull=True).count()
        if unassigned:
            warnings.append(f"{unassigned} usulan terverifikasi belum ditugaskan ke tim penilai.")
    today = timezone.localdate()
    if (
        cycle.stage == Cycle.Stage.USULAN
        and cycle.proposal_closes
        and cycle.proposal_closes > today
    ):
        warnings.append(
            f"Menurut jadwal, usulan baru ditutup {format_tanggal(cycle.proposal_closes)}."
        )
    if cycle.stage == Cycle.Stage.PENILAIAN:
        incomplete = (
            cycle.proposals.filter(team__isnull=False)
            .annotate(
                members=Count("team__memberships", distinct=True),
                declined=Count("conflicts", distinct=True),
                sent=Count(
                    "assessments",
                    filter=Q(assessments__status=Assessment.Status.SENT),
                    distinct=True,
                ),
            )
            .filter(sent__lt=F("members") - F("declined"))
            .count()
        )
        if incomplete:
            warnings.append(
                f"{incomplete} usulan belum lengkap dinilai (belum semua anggota tim mengirim)."
            )
    if cycle.stage == Cycle.Stage.PERSIAPAN and not cycle.indicator_set.indicators.exists():
        warnings.append("Set indikator periode ini belum berisi indikator.")
    return warnings
