"""From the meeting's decision to the Wali Kota's decree: awards, the draft decree with its
default text (worded in awards/legal_text.py), finalising (which locks the cycle, and
renders the final PDF through awards/pdf.py) and corrections.

Every function here is a workflow: keyword-only arguments, atomic, and it refuses with a
`ValidationError` in Indonesian. Admin actions and views call these; nothing else writes
awards or decrees."""

import hashlib
import json
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from assessments.models import Assessment, Cycle, Decision, Indicator, Proposal, Score
from assessments.recap import MAX_SCORE, reaches_pct
from awards.identity import current_identity, ensure_official_identity, ensure_public_base_url
from awards.legal_text import (
    CATEGORY_ORDER,
    DEFAULT_MENGINGAT,
    DEFAULT_TEMBUSAN,
    correction_text,
    cycle_title,
    default_budget_source,
    default_dictums,
    default_memperhatikan,
    default_menimbang,
)
from awards.models import Award, Decree
from awards.pdf import decree_filename, render_decree_pdf
from awards.terbilang import rupiah_figures, rupiah_legal, terbilang
from rt_registry.models import SizeCategory

# --- Awards --------------------------------------------------------------------------


def ensure_decided(cycle):
    """The meeting has decided when every verified proposal has a decision."""
    if not hasattr(cycle, "meeting"):
        raise ValidationError(f"Periode {cycle} belum memiliki rapat penetapan.", code="no_meeting")
    proposals = Proposal.objects.filter(cycle=cycle).verified()
    undecided = proposals.filter(decision__isnull=True).count()
    if undecided:
        raise ValidationError(
            f"Rapat belum memutuskan semua usulan periode {cycle}: "
            f"{undecided} usulan belum diputuskan.",
            code="undecided",
        )
    if not Decision.objects.filter(proposal__cycle=cycle).exists():
        raise ValidationError(
            f"Belum ada keputusan rapat untuk periode {cycle}.", code="no_decisions"
        )


def max_total(cycle):
    return MAX_SCORE * cycle.indicator_set.indicators.count()  # as RecapRow.max_total


def previous_cycle_ids(cycle, count):
    """The `count` cycles immediately before `cycle` in (year, period) order."""
    earlier = Cycle.objects.filter(
        Q(year__lt=cycle.year) | Q(year=cycle.year, period__lt=cycle.period)
    ).order_by("-year", "-period")
    return list(earlier.values_list("pk", flat=True)[:count])


def kencana_rt_ids(cycle, decisions):
    """RTs that qualify for Kampung BANTAR Kencana in `cycle` (BANTAR.md, "After the award").

    Rule, kept simple: the RT won an award in each of the `kencana_consecutive_wins`
    cycles immediately before this one (whatever happened in cycles it did not enter
    breaks the series), and its total now is at least `kencana_min_total_pct` of the
    maximum. A setting of 0 consecutive wins switches Kencana off."""
    needed = cycle.kencana_consecutive_wins
    if not needed:
        return set()
    previous = previous_cycle_ids(cycle, needed)
    if len(previous) < needed:
        return set()
    maximum = max_total(cycle)
    high_scorers = {
        d.proposal.rt_id
        for d in decisions
        if maximum and reaches_pct(d.total, maximum, cycle.kencana_min_total_pct)
    }
    won_every_time = (
        Award.objects.filter(cycle_id__in=previous, rt_id__in=high_scorers)
        .values("rt_id")
        .annotate(wins=Count("cycle", distinct=True))
        .filter(wins=needed)
        .values_list("rt_id", flat=True)
    )
    return set(won_every_time)


def create_awards(*, cycle, by):
    """One award per proposal the meeting passed (LULUS), with the category from the
    proposal's snapshot and the prize from the cycle's settings.

    Idempotent: run again before the decree is final, it brings the awards in line with
    the decisions (new winners added, changed settings applied, withdrawn wins removed).
    Returns the cycle's awards."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        cycle.ensure_editable()
        ensure_decided(cycle)
        winners = list(
            Decision.objects.filter(proposal__cycle=cycle, outcome=Decision.Outcome.LULUS)
            .select_related("proposal")
            .order_by("proposal_id")
        )
        kencana = kencana_rt_ids(cycle, winners)
        existing = {a.proposal_id: a for a in Award.objects.filter(cycle=cycle)}
        for decision in winners:
            proposal = decision.proposal
            wanted = {
                "tier": Award.Tier.KENCANA if proposal.rt_id in kencana else Award.Tier.BANTAR,
                "size_category": proposal.size_category,
                "prize_amount": cycle.prize_for(proposal.size_category),
            }
            award = existing.pop(proposal.pk, None)
            if award is None:
                Award.objects.create(proposal=proposal, cycle=cycle, rt_id=proposal.rt_id, **wanted)
            elif any(getattr(award, k) != v for k, v in wanted.items()):
                for key, value in wanted.items():
                    setattr(award, key, value)
                award.save()
        for stale in existing.values():
            # The meeting withdrew this win before any decree was final.
            if stale.payment_status == Award.PaymentStatus.DIBAYAR:
                raise ValidationError(
                    f"Penghargaan {stale} sudah dibayar, tetapi keputusan rapatnya bukan "
                    "lagi lulus. Periksa keputusan rapat dan pembayaran.",
                    code="paid_award_withdrawn",
                )
            stale.delete()
    return list(Award.objects.filter(cycle=cycle))


# --- Lampiran data -------------------------------------------------------------------


def lampiran_data(cycle):
    """Rows of the decree's annex and their totals, in one query.

    Grouped by kecamatan then kelurahan (names as they were at proposal time), RT in
    numeric order; a subtotal per kecamatan, the count and sum per category and the grand
    total in figures and words. Counts and sums reconcile to the rupiah with the awards."""
    awards = (
        Award.objects.filter(cycle=cycle)
        .select_related("proposal", "proposal__decision")
        .order_by("proposal__kecamatan_name", "proposal__kelurahan_name", "proposal__rt_number")
    )
    groups = []
    per_category = {c: {"count": 0, "amount": Decimal(0)} for c in CATEGORY_ORDER}
    total = Decimal(0)
    number = 0
    for award in awards:
        proposal = award.proposal
        if not groups or groups[-1]["kecamatan"] != proposal.kecamatan_name:
            groups.append(
                {"kecamatan": proposal.kecamatan_name, "rows": [], "subtotal": Decimal(0)}
            )
        group = groups[-1]
        number += 1
        decision = getattr(proposal, "decision", None)
        group["rows"].append(
            {
                "no": number,
                "kecamatan": proposal.kecamatan_name,
                "kelurahan": proposal.kelurahan_name,
                "rt": f"{proposal.rt_number:02d}",
                "ketua": proposal.ketua_name,
                "kk": proposal.kk_count,
                "kategori": award.get_size_category_display(),
                "nilai": format_score(decision.total) if decision else "",
                "amount": award.prize_amount,
                "ket": "Kencana" if award.tier == Award.Tier.KENCANA else "",
            }
        )
        group["subtotal"] += award.prize_amount
        per_category[award.size_category]["count"] += 1
        per_category[award.size_category]["amount"] += award.prize_amount
        total += award.prize_amount
    for group in groups:
        group["count"] = len(group["rows"])
    return {
        "groups": groups,
        "categories": [
            {
                "code": c,
                "label": SizeCategory(c).label,
                "prize": cycle.prize_for(c),
                **per_category[c],
            }
            for c in CATEGORY_ORDER
        ],
        "count": number,
        "total": total,
        "total_words": terbilang(total),
        "total_legal": rupiah_legal(total),
    }


def decree_lampiran(decree):
    """The lampiran a decree prints (render_decree_html's `lampiran`): the cycle's winners,
    or None for a revoking decree, which has none."""
    if decree.correction == Decree.Correction.MENCABUT:
        return None
    return lampiran_data(decree.cycle)


def format_score(total):
    """35,50 — two decimals with a decimal comma, as Indonesian tables write them."""
    return f"{Decimal(total):.2f}".replace(".", ",")


# --- Fingerprint ---------------------------------------------------------------------
#
# A final decree records a SHA-256 over what it rests on and the version of the algorithm
# (Decree.fingerprint_version); verification recomputes with that same version, so a
# decree finalised under v1 keeps verifying. Never change a released version: add one.
#   v1: the latest SENT sheets and the meeting's decisions.
#   v2: v1 + the cycle's indicator set (INDICATOR_FIELDS[2], in order) and the cycle's
#       rules (Cycle.RULE_FIELDS: size bands, prizes, pass rule, Kencana).
#   v3: v2 + the rubric of each indicator (what 2, 1 and 0 mean), which arrived after v2
#       decrees may have been finalised: v2 keeps its own list, so they keep verifying.
# Each version names its indicator fields; the current one must be Indicator.CONTENT_FIELDS.

CURRENT_FINGERPRINT_VERSION = 3
INDICATOR_FIELDS = {
    2: ["code", "pillar", "order", "text"],
    3: ["code", "pillar", "order", "text", "rubric_2", "rubric_1", "rubric_0"],
}


def basis_payload_v1(cycle):
    """What the decree rests on, canonically: the latest SENT sheet of every assessor for
    every decided proposal (winning and losing), and the meeting's decisions."""
    sheets = (
        Score.objects.filter(
            assessment__proposal__cycle=cycle,
            assessment__proposal__decision__isnull=False,
            assessment__status=Assessment.Status.SENT,
        )
        .order_by("assessment__proposal_id", "assessment__assessor_id", "indicator__code")
        .values_list(
            "assessment__proposal_id", "assessment__assessor_id", "indicator__code", "value"
        )
    )
    decisions = (
        Decision.objects.filter(proposal__cycle=cycle)
        .order_by("proposal_id")
        .values_list("proposal_id", "outcome", "rule_passes", "total", "overrule_reason")
    )
    return {
        "version": 1,
        "cycle": [cycle.pk, cycle.year, cycle.period],
        "sheets": [list(row) for row in sheets],
        "decisions": [
            # Totals as fixed text: SQLite and PostgreSQL return Decimals differently.
            [proposal_id, outcome, rule_passes, f"{Decimal(total):.3f}", reason]
            for proposal_id, outcome, rule_passes, total, reason in decisions
        ],
    }


def _canonical(value, field):
    # Decimals as fixed text, for the same reason as the totals above.
    if field.get_internal_type() == "DecimalField":
        return f"{Decimal(value):.{field.decimal_places}f}"
    return value


def basis_payload_v2(cycle, *, version=2):
    """v1 + the indicators the cycle is scored on (the fields of `version`) and the cycle's
    rules, read fresh from the database (not from a possibly stale `cycle` object)."""
    fields = INDICATOR_FIELDS[version]
    indicators = (
        Indicator.objects.filter(indicator_set__cycles=cycle)
        .order_by("order", "code")
        .values_list(*fields)
    )
    rules = Cycle.objects.filter(pk=cycle.pk).values_list(*Cycle.RULE_FIELDS).get()
    return {
        **basis_payload_v1(cycle),
        "version": version,
        "indicators": [
            [_canonical(v, Indicator._meta.get_field(f)) for f, v in zip(fields, row, strict=True)]
            for row in indicators
        ],
        "rules": {
            f: _canonical(v, Cycle._meta.get_field(f))
            for f, v in zip(Cycle.RULE_FIELDS, rules, strict=True)
        },
    }


def basis_payload_v3(cycle):
    """v2 with the rubric in each indicator's row."""
    return basis_payload_v2(cycle, version=3)


BASIS_PAYLOADS = {1: basis_payload_v1, 2: basis_payload_v2, 3: basis_payload_v3}


def compute_basis_fingerprint(cycle, *, version=CURRENT_FINGERPRINT_VERSION):
    payload = json.dumps(
        BASIS_PAYLOADS[version](cycle), ensure_ascii=False, separators=(",", ":"), sort_keys=True
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def recompute_basis_fingerprint(decree):
    """The decree's fingerprint computed now, with the version it was finalised with."""
    return compute_basis_fingerprint(decree.cycle, version=decree.fingerprint_version)


def basis_covers(decree):
    """What the decree's fingerprint covers, in words for the admin and verification pages."""
    if decree.fingerprint_version >= 3:
        return (
            "lembar penilaian, keputusan rapat, indikator beserta arti nilainya dan aturan "
            "periode lomba"
        )
    if decree.fingerprint_version == 2:
        return "lembar penilaian, keputusan rapat, indikator dan aturan periode lomba"
    return "lembar penilaian dan keputusan rapat"


def basis_changed(decree):
    """True when what the decree rests on (per its fingerprint version) has changed."""
    if not decree.basis_fingerprint:
        return False
    return recompute_basis_fingerprint(decree) != decree.basis_fingerprint


# --- Draft decree --------------------------------------------------------------------


def decree_defaults(cycle):
    """Every field of a new draft decree for `cycle`, as the legal office would start."""
    budget_year = cycle.year
    budget_source = default_budget_source(budget_year)
    last = (
        Decree.objects.filter(status=Decree.Status.FINAL)
        .exclude(signatory_name="")
        .order_by("-decided_on", "-pk")
        .first()
    )
    return {
        "tentang": cycle_title(cycle),
        "place": "Jambi",
        "signatory_name": last.signatory_name if last else current_identity().mayor_name,
        "signatory_title": last.signatory_title if last else "WALI KOTA JAMBI",
        "menimbang": "\n".join(default_menimbang(cycle)),
        "mengingat": "\n".join(DEFAULT_MENGINGAT),
        "memperhatikan": default_memperhatikan(cycle),
        "dictums": "\n".join(
            default_dictums(cycle, budget_year=budget_year, budget_source=budget_source)
        ),
        "tembusan": "\n".join(DEFAULT_TEMBUSAN),
        "budget_year": budget_year,
        "budget_source": budget_source,
        "paper_size": Decree.PaperSize.A4,
    }


def create_draft_decree(*, cycle, by):
    """A draft decree with every default filled in, from a cycle the meeting has decided.
    Brings the awards in line with the decisions first (create_awards)."""
    with transaction.atomic():
        cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if Decree.objects.filter(cycle=cycle, status=Decree.Status.FINAL).exists():
            raise ValidationError(
                f"Periode {cycle} sudah memiliki SK final. Perbaikan dilakukan dengan SK "
                "baru yang mengubah atau mencabutnya.",
                code="already_final",
            )
        if not cycle.is_locked:
            create_awards(cycle=cycle, by=by)
        ensure_decided(cycle)
        if not Award.objects.filter(cycle=cycle).exists():
            raise ValidationError(
                f"Tidak ada RT yang lulus pada periode {cycle}: tidak ada yang ditetapkan.",
                code="no_winners",
            )
        return Decree.objects.create(cycle=cycle, **decree_defaults(cycle))


def correction_defaults(target, kind):
    cycle = target.cycle
    cited = f"Keputusan Wali Kota Jambi Nomor {target.number_in_text()} tentang {target.tentang}"
    values = decree_defaults(cycle)
    values["signatory_name"] = target.signatory_name
    values["signatory_title"] = target.signatory_title
    values["paper_size"] = target.paper_size
    values["budget_year"] = target.budget_year
    values["budget_source"] = target.budget_source
    values["mengingat"] = target.mengingat + "\n" + cited + ";"
    values.update(correction_text(cited, revoking=kind == Decree.Correction.MENCABUT))
    return values


def create_correction(*, target, kind, by):
    """A draft decree that amends (MENGUBAH) or revokes (MENCABUT) a final decree."""
    if kind not in Decree.Correction.values:
        raise ValidationError("Jenis koreksi tidak dikenal.", code="bad_kind")
    with transaction.atomic():
        target = Decree.objects.select_for_update().get(pk=target.pk)
        if target.status != Decree.Status.FINAL:
            raise ValidationError(
                "Hanya SK final yang dapat diubah atau dicabut dengan SK baru.",
                code="target_not_final",
            )
        return Decree.objects.create(
            cycle=target.cycle,
            amends=target,
            correction=kind,
            **correction_defaults(target, kind),
        )


# --- Finalising ----------------------------------------------------------------------


def ensure_ready_to_finalise(decree):
    """The checks finalise_decree makes before any work; the admin runs them at once so
    the officer reads the refusal on the page instead of in a failed job."""
    errors = defaultdict(list)
    if decree.status != Decree.Status.DRAFT:
        raise ValidationError(
            f"SK {decree.number} sudah {decree.get_status_display().lower()}; "
            "SK final tidak dapat difinalkan lagi.",
            code="not_draft",
        )
    # What is printed on a final decree can never change: the emblems and the QR's address.
    ensure_official_identity()
    ensure_public_base_url()
    if not decree.number.strip():
        errors["number"].append("Nomor SK wajib diisi sebelum SK difinalkan.")
    if decree.decided_on is None:
        errors["decided_on"].append("Tanggal ditetapkan wajib diisi sebelum SK difinalkan.")
    if not decree.signatory_name.strip():
        errors["signatory_name"].append("Nama penanda tangan wajib diisi.")
    if (
        decree.number.strip()
        and Decree.objects.filter(number=decree.number).exclude(pk=decree.pk).exists()
    ):
        errors["number"].append(f"Nomor {decree.number} sudah dipakai SK lain.")
    if errors:
        raise ValidationError(dict(errors))
    others_final = Decree.objects.filter(cycle_id=decree.cycle_id, status=Decree.Status.FINAL)
    if decree.amends_id is None and others_final.exists():
        raise ValidationError(
            "Periode ini sudah memiliki SK final. Buat SK perubahan atau pencabutan.",
            code="already_final",
        )
    if decree.amends_id is not None and decree.amends.status != Decree.Status.FINAL:
        raise ValidationError(
            f"SK yang hendak {'dicabut' if is_revocation(decree) else 'diubah'} "
            f"({decree.amends.number}) tidak berstatus final.",
            code="target_not_final",
        )


def is_revocation(decree):
    return decree.correction == Decree.Correction.MENCABUT


def finalise_decree(decree, *, by):
    """Draft -> Final: records the basis fingerprint, renders and stores the final PDF
    (PDF/A-3b) with its SHA-256, and locks the cycle (stage DITETAPKAN). A revoking
    decree marks the decree it revokes REVOKED; both stay on record.

    Runs on the background worker (kind "decree-final"): rendering takes seconds."""
    with transaction.atomic():
        decree = Decree.objects.select_for_update().select_related("cycle").get(pk=decree.pk)
        cycle = Cycle.objects.select_for_update().get(pk=decree.cycle_id)
        ensure_ready_to_finalise(decree)
        if not cycle.is_locked:
            # The decree rests on the decisions as they are now: awards follow them.
            create_awards(cycle=cycle, by=by)
        else:
            ensure_decided(cycle)
        if not is_revocation(decree):
            if not Award.objects.filter(cycle=cycle).exists():
                raise ValidationError("SK tanpa RT pemenang tidak dapat difinalkan.", code="empty")
            problems = reconcile(decree)
            if problems:
                raise ValidationError(problems, code="does_not_reconcile")
        decree.cycle = cycle
        decree.fingerprint_version = CURRENT_FINGERPRINT_VERSION
        decree.basis_fingerprint = compute_basis_fingerprint(cycle)
        decree.status = Decree.Status.FINAL
        decree.finalised_by = by
        decree.finalised_at = timezone.now()
        pdf = render_decree_pdf(decree, lampiran=decree_lampiran(decree), final=True)
        decree.pdf.save(decree_filename(decree), ContentFile(pdf), save=False)
        decree.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        decree.save()
        if decree.amends_id and is_revocation(decree):
            revoked = Decree.objects.select_for_update().get(pk=decree.amends_id)
            revoked.status = Decree.Status.REVOKED
            revoked.save()
            # A decree that amended the revoked one falls with it: otherwise it would still
            # read «berlaku» and keep the certificates standing on a revoked decree.
            for amendment in Decree.objects.select_for_update().filter(
                amends_id=revoked.pk,
                status=Decree.Status.FINAL,
                correction=Decree.Correction.MENGUBAH,
            ):
                amendment.status = Decree.Status.REVOKED
                amendment.save()
        if not cycle.is_locked or cycle.stage != Cycle.Stage.DITETAPKAN:
            cycle.is_locked = True
            if Cycle.STAGE_ORDER.index(cycle.stage) < Cycle.STAGE_ORDER.index(
                Cycle.Stage.DITETAPKAN
            ):
                cycle.stage = Cycle.Stage.DITETAPKAN
            # The worker has no request: name who locked the cycle in its history.
            cycle._history_user = by
            cycle._change_reason = f"Dikunci: SK Nomor {decree.number_in_text()} final"
            cycle.save()
    return decree


def reconcile(decree):
    """The lampiran's counts and sums against the awards and the cycle's prizes: a list of
    Indonesian messages, empty when everything agrees to the rupiah."""
    data = lampiran_data(decree.cycle)
    problems = []
    awards = Award.objects.filter(cycle=decree.cycle)
    count = awards.count()
    if data["count"] != count:
        problems.append(f"Lampiran memuat {data['count']} RT, penghargaan tercatat {count}.")
    for category in data["categories"]:
        expected = category["prize"] * category["count"]
        if category["amount"] != expected:
            problems.append(
                f"Kategori {category['label']}: jumlah {category['amount']} tidak sama dengan "
                f"{category['count']} × {category['prize']}."
            )
    if sum(g["subtotal"] for g in data["groups"]) != data["total"]:
        problems.append("Jumlah subtotal kecamatan tidak sama dengan total.")
    if not decree.correction:
        # The dictum's amounts are text written at draft time: they must still say what
        # the lampiran pays.
        for category in data["categories"]:
            figures = rupiah_figures(category["prize"])
            if category["count"] and figures not in decree.dictums:
                problems.append(
                    f"Diktum tidak menyebut uang pembinaan kategori {category['label']} "
                    f"sebesar {figures} sesuai pengaturan periode."
                )
        source = " ".join(decree.budget_source.split())
        if not source or source not in " ".join(decree.dictums.split()):
            problems.append(
                "Diktum pembebanan biaya tidak menyebut sumber anggaran yang diisi pada SK "
                f"(«{source or 'kosong'}»). Samakan isian «Sumber anggaran (DPA)» dengan "
                "bunyi diktum."
            )
    return problems
