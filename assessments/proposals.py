"""Usulan workflow: propose, verify, return, resubmit, withdraw, assign to a team, and the
assessor's conflict-of-interest declaration. Every function is atomic, checks the stage,
the lock, the permission and the scope itself, and raises ValidationError (Indonesian)
or PermissionDenied. Bulk functions are whole-or-nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Assessment, ConflictOfInterest, Cycle, Proposal, Team
from rt_registry.models import RT
from rt_registry.templatetags.bantar import format_rupiah

USULAN = Cycle.Stage.USULAN
PENILAIAN = Cycle.Stage.PENILAIAN


def _require_perm(user, perm, action):
    if not (user and user.is_authenticated and user.is_active and user.has_perm(perm)):
        raise PermissionDenied(f"Anda tidak berhak {action}.")


def _save(obj, *, by, reason=""):
    # simple-history reads the user from the request; functions also run outside one.
    obj._history_user = by
    if reason:
        obj._change_reason = reason
    obj.save()


def _raise_collected(errors):
    if errors:
        raise ValidationError(errors)


def _locked_in_scope(proposals, by):
    """The given proposals, locked, each checked to lie in `by`'s scope."""
    ids = [p.pk for p in proposals]
    found = {
        p.pk: p
        for p in Proposal.objects.visible_to(by)
        .select_for_update(of=("self",))
        .select_related("cycle")
        .filter(pk__in=ids)
    }
    if len(found) != len(set(ids)):
        raise PermissionDenied("Ada usulan di luar wilayah Anda.")
    return [found[i] for i in ids]


# --- Proposing ---------------------------------------------------------------------


def _stage_errors(cycle, *stages, action):
    try:
        cycle.ensure_stage(*stages, action=action)
    except ValidationError as error:
        return error.messages
    return []


def _rt_errors(rt, *, cycle, visible_ids, proposed_ids):
    label = f"RT {rt.number:02d} Kelurahan {rt.kelurahan.name}"
    if rt.pk not in visible_ids:
        return [f"{label} berada di luar wilayah Anda."]
    if not rt.is_active:
        return [f"{label} tidak aktif dan tidak dapat diusulkan."]
    if rt.pk in proposed_ids:
        return [f"{label} sudah diusulkan pada periode {cycle}."]
    return []


def proposal_errors_by_rt(*, cycle, rts, by):
    """(errors of the cycle, {rt id: errors of that RT}) for proposing `rts` in `cycle`.
    A constant number of queries, however many RTs."""
    cycle_errors = _stage_errors(cycle, USULAN, action="mengusulkan RT")
    if cycle_errors:
        return cycle_errors, {}
    ids = [rt.pk for rt in rts]
    visible_ids = set(RT.objects.visible_to(by).filter(pk__in=ids).values_list("pk", flat=True))
    proposed_ids = set(
        Proposal.objects.filter(cycle=cycle, rt__in=ids).values_list("rt_id", flat=True)
    )
    return [], {
        rt.pk: _rt_errors(rt, cycle=cycle, visible_ids=visible_ids, proposed_ids=proposed_ids)
        for rt in rts
    }


def proposal_errors(*, cycle, rts, by):
    """Why `by` may not propose `rts` in `cycle` (Indonesian messages), or []."""
    cycle_errors, by_rt = proposal_errors_by_rt(cycle=cycle, rts=rts, by=by)
    return cycle_errors + [message for rt in rts for message in by_rt.get(rt.pk, [])]


def _snapshot(proposal, rt, cycle):
    """Copy the RT's facts of today onto the proposal: later changes never alter it."""
    proposal.kecamatan_name = rt.kelurahan.kecamatan.name
    proposal.kelurahan_name = rt.kelurahan.name
    proposal.rt_number = rt.number
    proposal.ketua_name = rt.ketua_name
    proposal.kk_count = rt.kk_count
    proposal.size_category = cycle.size_category(rt.kk_count)


def _create_proposal(*, cycle, rt, by):
    proposal = Proposal(cycle=cycle, rt=rt, proposed_by=by, status=Proposal.Status.DIAJUKAN)
    _snapshot(proposal, rt, cycle)
    try:
        with transaction.atomic():
            _save(proposal, by=by, reason="Diusulkan")
    except IntegrityError as error:
        # Two officers proposing the same RT at once: the constraint decides.
        raise ValidationError(
            f"RT {rt.number:02d} Kelurahan {rt.kelurahan.name} sudah diusulkan "
            f"pada periode {cycle}.",
            code="duplicate",
        ) from error
    return proposal


@transaction.atomic
def propose_rt(*, cycle, rt, by):
    _require_perm(by, "assessments.add_proposal", "mengusulkan RT")
    rt = RT.objects.select_related("kelurahan__kecamatan").get(pk=rt.pk)
    _raise_collected(proposal_errors(cycle=cycle, rts=[rt], by=by))
    return _create_proposal(cycle=cycle, rt=rt, by=by)


@transaction.atomic
def propose_rts(*, cycle, rts, by):
    """Propose several RTs: all of them, or none (every refusal listed)."""
    _require_perm(by, "assessments.add_proposal", "mengusulkan RT")
    rts = list(RT.objects.select_related("kelurahan__kecamatan").filter(pk__in=[r.pk for r in rts]))
    if not rts:
        raise ValidationError("Pilih minimal satu RT.")
    _raise_collected(proposal_errors(cycle=cycle, rts=rts, by=by))
    return [_create_proposal(cycle=cycle, rt=rt, by=by) for rt in rts]


def proposing_cycles():
    """Cycles open for proposals: in Usulan and not locked."""
    return Cycle.objects.filter(stage=USULAN, is_locked=False)


# --- Verification by the kecamatan ---------------------------------------------------


def _verify_errors(proposal):
    errors = _stage_errors(proposal.cycle, USULAN, action="memverifikasi usulan")
    if errors:
        return errors
    if proposal.status != Proposal.Status.DIAJUKAN:
        return [
            f"{proposal}: hanya usulan berstatus Diajukan yang dapat diverifikasi "
            f"(sekarang {proposal.get_status_display()})."
        ]
    return []


@transaction.atomic
def verify_proposals(*, proposals, by):
    _require_perm(by, "assessments.verify_proposal", "memverifikasi usulan")
    proposals = _locked_in_scope(proposals, by)
    errors = [message for p in proposals for message in _verify_errors(p)]
    _raise_collected(errors)
    now = timezone.now()
    for proposal in proposals:
        proposal.status = Proposal.Status.DIVERIFIKASI
        proposal.return_reason = ""
        proposal.verified_by = by
        proposal.verified_at = now
        _save(proposal, by=by, reason="Diverifikasi")
    return proposals


def verify_proposal(*, proposal, by):
    return verify_proposals(proposals=[proposal], by=by)[0]


def _return_errors(proposal):
    errors = _stage_errors(proposal.cycle, USULAN, action="mengembalikan usulan")
    if errors:
        return errors
    if proposal.status == Proposal.Status.DIKEMBALIKAN:
        return [f"{proposal}: usulan ini sudah dikembalikan."]
    if proposal.team_id:
        return [f"{proposal}: usulan sudah ditugaskan ke tim penilai; lepaskan dulu dari tim."]
    return []


@transaction.atomic
def return_proposals(*, proposals, by, reason):
    _require_perm(by, "assessments.verify_proposal", "mengembalikan usulan")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Alasan pengembalian wajib diisi.", code="reason_required")
    proposals = _locked_in_scope(proposals, by)
    errors = [message for p in proposals for message in _return_errors(p)]
    _raise_collected(errors)
    for proposal in proposals:
        proposal.status = Proposal.Status.DIKEMBALIKAN
        proposal.return_reason = reason
        proposal.verified_by = None
        proposal.verified_at = None
        _save(proposal, by=by, reason=f"Dikembalikan: {reason}"[:100])
    return proposals


def return_proposal(*, proposal, by, reason):
    return return_proposals(proposals=[proposal], by=by, reason=reason)[0]


# --- The kelurahan fixes and resubmits ------------------------------------------------


@transaction.atomic
def resubmit_proposal(*, proposal, by, ketua_name=None, kk_count=None):
    """Resubmit a returned proposal. A corrected Ketua RT or KK count is written to the RT
    (the source of truth) and copied again onto the proposal with the size category."""
    _require_perm(by, "assessments.change_proposal", "mengajukan ulang usulan")
    (proposal,) = _locked_in_scope([proposal], by)
    proposal.cycle.ensure_stage(USULAN, action="mengajukan ulang usulan")
    if proposal.status != Proposal.Status.DIKEMBALIKAN:
        raise ValidationError(
            f"{proposal}: hanya usulan yang dikembalikan yang dapat diajukan ulang.",
            code="not_returned",
        )
    rt = (
        RT.objects.select_for_update().select_related("kelurahan__kecamatan").get(pk=proposal.rt_id)
    )
    if not rt.is_active:
        raise ValidationError(f"{rt} tidak aktif dan tidak dapat diajukan ulang.")
    if kk_count is not None and kk_count < 1:
        raise ValidationError("Jumlah KK minimal 1.", code="kk_min")
    changed = []
    if ketua_name is not None and ketua_name.strip() != rt.ketua_name:
        rt.ketua_name = ketua_name.strip()
        changed.append("ketua_name")
    if kk_count is not None and kk_count != rt.kk_count:
        rt.kk_count = kk_count
        changed.append("kk_count")
    if changed:
        rt.save(update_fields=[*changed, "updated_at"])
    _snapshot(proposal, rt, proposal.cycle)
    proposal.status = Proposal.Status.DIAJUKAN
    # The reason stays in the proposal's history; the current record shows the new state.
    proposal.return_reason = ""
    _save(proposal, by=by, reason=RESUBMIT_REASON)
    return proposal


RESUBMIT_REASON = "Diajukan ulang"
# What a kecamatan officer checks again on a resubmitted proposal: (field, label).
RESUBMIT_FIELDS = [("ketua_name", "Ketua RT"), ("kk_count", "Jumlah KK")]


def resubmission_changes(proposal):
    """[(label, before, after)] of the latest resubmission, read from the proposal's
    history: the Ketua RT, the KK count, the size category and the prize it brings.
    Values are display text; [] when the proposal was never resubmitted or nothing changed."""
    records = list(proposal.history.order_by("-history_date", "-history_id")[:50])
    for index, record in enumerate(records):
        if record.history_change_reason == RESUBMIT_REASON and index + 1 < len(records):
            before, after = records[index + 1], record
            break
    else:
        return []
    changes = [
        (label, str(getattr(before, name)), str(getattr(after, name)))
        for name, label in RESUBMIT_FIELDS
        if getattr(before, name) != getattr(after, name)
    ]
    if before.size_category != after.size_category:
        labels = dict(Proposal._meta.get_field("size_category").choices)
        cycle = proposal.cycle
        changes += [
            ("Kategori", labels[before.size_category], labels[after.size_category]),
            (
                "Uang pembinaan bila menang",
                format_rupiah(cycle.prize_for(before.size_category)),
                format_rupiah(cycle.prize_for(after.size_category)),
            ),
        ]
    return changes


def withdrawal_errors(proposal):
    """Why a proposal may not be withdrawn (deleted), or []."""
    errors = _stage_errors(proposal.cycle, USULAN, action="menarik usulan")
    if errors:
        return errors
    if proposal.team_id:
        return [f"{proposal}: usulan sudah ditugaskan ke tim penilai."]
    return []


# --- Teams -----------------------------------------------------------------------------


def _assign_errors(proposal, team):
    if proposal.cycle_id != team.cycle_id:
        return [f"{proposal}: periode usulan berbeda dengan periode {team}."]
    if proposal.status != Proposal.Status.DIVERIFIKASI:
        return [
            f"{proposal}: hanya usulan terverifikasi yang dapat ditugaskan "
            f"(sekarang {proposal.get_status_display()})."
        ]
    if proposal.team_id and proposal.team_id != team.pk and proposal.has_sheets:
        return [f"{proposal}: sudah ada lembar penilaian dari tim lain; tidak dapat dipindahkan."]
    return []


@transaction.atomic
def assign_team(*, proposals, team, by):
    """Assign verified proposals of the team's cycle to it, all or none."""
    _require_perm(by, "assessments.assign_proposal", "menugaskan usulan ke tim")
    team = Team.objects.select_related("cycle").get(pk=team.pk)
    team.cycle.ensure_stage(USULAN, PENILAIAN, action="menugaskan usulan ke tim penilai")
    proposals = _locked_in_scope(proposals, by)
    if not proposals:
        raise ValidationError("Tidak ada usulan yang dipilih.")
    with_sheets = set(
        Assessment.objects.filter(proposal__in=proposals).values_list("proposal_id", flat=True)
    )
    for proposal in proposals:
        proposal.has_sheets = proposal.pk in with_sheets
    errors = [message for p in proposals for message in _assign_errors(p, team)]
    _raise_collected(errors)
    changed = [p for p in proposals if p.team_id != team.pk]
    for proposal in changed:
        proposal.team = team
        _save(proposal, by=by, reason=f"Ditugaskan ke {team.name}")
    return changed


def unassigned_verified(*, cycle, kecamatan=None, kelurahan=None):
    """Verified proposals of a cycle without a team, optionally in one area."""
    queryset = cycle.proposals.verified().filter(team__isnull=True)
    if kelurahan is not None:
        queryset = queryset.filter(rt__kelurahan=kelurahan)
    if kecamatan is not None:
        queryset = queryset.filter(rt__kelurahan__kecamatan=kecamatan)
    return queryset


def assign_area_to_team(*, team, by, kecamatan=None, kelurahan=None):
    """Every verified, not yet assigned proposal of a kecamatan or kelurahan to `team`."""
    if (kecamatan is None) == (kelurahan is None):
        raise ValidationError("Pilih satu kecamatan atau satu kelurahan.")
    proposals = list(
        unassigned_verified(cycle=team.cycle, kecamatan=kecamatan, kelurahan=kelurahan)
    )
    if not proposals:
        area = f"Kecamatan {kecamatan}" if kecamatan else f"Kelurahan {kelurahan}"
        raise ValidationError(
            f"Tidak ada usulan terverifikasi yang belum bertim di {area} pada periode {team.cycle}."
        )
    return assign_team(proposals=proposals, team=team, by=by)


@transaction.atomic
def unassign_team(*, proposals, by):
    _require_perm(by, "assessments.assign_proposal", "melepaskan usulan dari tim")
    proposals = _locked_in_scope(proposals, by)
    with_sheets = set(
        Assessment.objects.filter(proposal__in=proposals).values_list("proposal_id", flat=True)
    )
    errors = []
    for proposal in proposals:
        errors.extend(
            _stage_errors(proposal.cycle, USULAN, PENILAIAN, action="melepaskan usulan dari tim")
        )
        if proposal.pk in with_sheets:
            errors.append(f"{proposal}: sudah ada lembar penilaian; tidak dapat dilepas.")
    _raise_collected(errors)
    for proposal in proposals:
        if proposal.team_id:
            proposal.team = None
            _save(proposal, by=by, reason="Dilepas dari tim")
    return proposals


# --- Conflict of interest ---------------------------------------------------------------


def conflict_errors(*, proposal, assessor):
    """Why `assessor` may not declare a conflict for `proposal` (messages), or []."""
    errors = _stage_errors(
        proposal.cycle, USULAN, PENILAIAN, action="menyatakan konflik kepentingan"
    )
    if errors:
        return errors
    team = proposal.team
    if team is None or not team.memberships.filter(user=assessor).exists():
        return [f"{proposal} tidak ditugaskan kepada {assessor}."]
    if proposal.conflicts.filter(assessor=assessor).exists():
        return [f"Konflik kepentingan {assessor} untuk {proposal} sudah dinyatakan."]
    if proposal.assessments.sent().filter(assessor=assessor).exists():
        return [
            f"Penilaian {assessor} untuk {proposal} sudah terkirim; minta Admin DPMPPA "
            "membukanya kembali sebelum menyatakan konflik kepentingan."
        ]
    others = (
        team.memberships.exclude(user=assessor)
        .exclude(user__in=proposal.conflicts.values("assessor"))
        .count()
    )
    if others == 0:
        return [
            f"{assessor} adalah satu-satunya anggota tim yang tersisa untuk menilai "
            f"{proposal}; Admin DPMPPA perlu menambah anggota tim atau memindahkan usulan."
        ]
    return []


@transaction.atomic
def declare_conflict(*, proposal, assessor, reason):
    """An assessor declares a conflict of interest for a proposal of their team: they do
    not score it, and the recap counts only the other members. Refused once they sent a
    sheet for it, or when nobody of the team would be left to score it. A draft they
    started stays (the recap counts sent sheets only)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Alasan konflik kepentingan wajib diisi.", code="reason_required")
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("cycle", "team")
        .get(pk=proposal.pk)
    )
    _raise_collected(conflict_errors(proposal=proposal, assessor=assessor))
    try:
        with transaction.atomic():
            return ConflictOfInterest.objects.create(
                proposal=proposal, assessor=assessor, reason=reason
            )
    except IntegrityError as error:
        raise ValidationError(
            f"Konflik kepentingan {assessor} untuk {proposal} sudah dinyatakan.",
            code="duplicate",
        ) from error
