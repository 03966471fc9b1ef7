"""The decision meeting: per proposal, the outcome as the rule says or overruled with a
written reason. The rule's verdict and the total are recomputed here from the sheets,
never taken from the browser, and stored on the Decision so an overrule stays visible."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from assessments.models import Cycle, Decision, Proposal
from assessments.recap import build_recap, to_decimal
from rt_registry import roles

THREE_PLACES = Decimal("0.001")
RULE = "ATURAN"
CHOICES = [
    (RULE, "Sesuai aturan"),
    (Decision.Outcome.LULUS, "Diputuskan memenuhi kriteria"),
    (Decision.Outcome.TIDAK_LULUS, "Diputuskan tidak memenuhi kriteria"),
]


def decidable_proposals(cycle):
    return Proposal.objects.filter(cycle=cycle, status=Proposal.Status.DIVERIFIKASI)


@transaction.atomic
def record_decisions(*, cycle, decisions, by):
    """`decisions`: {proposal_id: (choice, reason)} with choice RULE, "LULUS" or
    "TIDAK_LULUS". All or nothing: any bad entry raises ValidationError (a list of
    Indonesian messages) and nothing is written. Returns the number of decisions changed."""
    if not roles.is_admin_dpmppa(by):
        raise PermissionDenied("Hanya Admin DPMPPA yang dapat mencatat keputusan rapat.")
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    cycle.ensure_stage(Cycle.Stage.REKAPITULASI, action="mencatat keputusan rapat")
    if not hasattr(cycle, "meeting"):
        raise ValidationError(
            "Catat dulu rapat penetapan (tanggal, tempat, peserta) sebelum keputusan.",
            code="no_meeting",
        )
    try:
        decisions = {int(pk): value for pk, value in decisions.items()}
    except (TypeError, ValueError):
        raise ValidationError("Data keputusan tidak sah.", code="invalid_decisions") from None
    rows = {
        r.proposal.pk: r
        for r in build_recap(
            cycle=cycle, proposals=decidable_proposals(cycle).filter(pk__in=list(decisions))
        )
    }
    errors, planned = [], []
    for proposal_id, (choice, reason) in decisions.items():
        row = rows.get(proposal_id)
        if row is None:
            errors.append(f"Usulan #{proposal_id} tidak termasuk usulan terverifikasi {cycle}.")
            continue
        label = str(row.proposal)
        reason = (reason or "").strip()
        rule_outcome = Decision.Outcome.LULUS if row.passes else Decision.Outcome.TIDAK_LULUS
        if choice == RULE:
            outcome = rule_outcome
        elif choice in Decision.Outcome.values:
            outcome = choice
        else:
            errors.append(f"{label}: pilihan keputusan tidak dikenal.")
            continue
        if outcome != rule_outcome and not reason:
            errors.append(
                f"{label}: keputusan menyimpang dari aturan "
                f"({Decision.Outcome(rule_outcome).label.lower()} menurut aturan) "
                "wajib disertai alasan tertulis."
            )
            continue
        if outcome == rule_outcome:
            reason = ""  # a reason is only kept for an overrule
        planned.append((row, outcome, reason))
    if errors:
        raise ValidationError(errors, code="invalid_decisions")

    existing = {d.proposal_id: d for d in Decision.objects.filter(proposal__in=list(rows))}
    changed = 0
    for row, outcome, reason in planned:
        total = to_decimal(row.total, places=THREE_PLACES)  # Decision.total has 3 places
        decision = existing.get(row.proposal.pk) or Decision(proposal=row.proposal)
        values = {
            "rule_passes": row.passes,
            "total": total,
            "outcome": outcome,
            "overrule_reason": reason,
        }
        if decision.pk and all(getattr(decision, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(decision, key, value)
        decision.decided_by = by
        decision._history_user = by
        decision.save()  # one save per decision: simple-history records each
        changed += 1
    return changed


def apply_rule_to_all(*, cycle, by):
    """Every proposal not already overruled gets the rule's outcome (recorded overrules
    are kept: they carry a reason someone wrote). Returns (changed, kept_overrules)."""
    proposals = decidable_proposals(cycle)
    overruled = {
        d.proposal_id for d in Decision.objects.filter(proposal__in=proposals) if d.is_overruled
    }
    decisions = dict.fromkeys(proposals.values_list("pk", flat=True), (RULE, ""))
    for pk in overruled:
        decisions.pop(pk, None)
    return record_decisions(cycle=cycle, decisions=decisions, by=by), len(overruled)
