import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from rt_registry.models import (
    DEFAULT_BESAR_ABOVE,
    DEFAULT_KECIL_BELOW,
    RT,
    OfficerProfile,
    ScopedQuerySet,
    SizeCategory,
    size_category_for,
)


class CycleLocked(ValidationError):
    """Raised by every write path once the cycle's decree is final."""


class StageNotAllowed(ValidationError):
    """Raised when an action is tried outside the stage it belongs to."""


class Pillar(models.TextChoices):
    BERSIH = "BERSIH", "Bersih"
    AMAN = "AMAN", "Aman"
    PINTAR = "PINTAR", "Pintar"


class IndicatorSetFrozen(ValidationError):
    """Raised by every write path that would change an indicator set already in use."""


def freezing_cycles():
    """Cycles whose indicator set may no longer change: past Usulan, or locked."""
    return Cycle.objects.filter(Q(is_locked=True) | ~Q(stage__in=Cycle.INDICATOR_SET_OPEN_STAGES))


class IndicatorSetQuerySet(models.QuerySet):
    def annotate_frozen(self):
        """`is_frozen` on each set, by the rule of IndicatorSet.frozen_reason (2 subqueries)."""
        past_usulan = freezing_cycles().filter(indicator_set=models.OuterRef("pk"))
        scored = Score.objects.filter(indicator__indicator_set=models.OuterRef("pk"))
        return self.annotate(
            past_usulan=models.Exists(past_usulan), scored=models.Exists(scored)
        ).annotate(
            is_frozen=models.ExpressionWrapper(
                Q(past_usulan=True) | Q(scored=True), output_field=models.BooleanField()
            )
        )


class IndicatorSet(models.Model):
    """A version of the regulation's indicator list; cycles are scored on one set.

    Once a cycle scored on the set is past Usulan (or any score exists), the set is frozen:
    no indicator is added, changed or removed, by any path (model save/delete, the
    Indicator QuerySet's update/delete/bulk methods, the admin). Changes go into a copy
    (assessments/indicators.py::copy_indicator_set). Raw SQL is not guarded; the decree's
    fingerprint (v2 and later, awards/issuing.py) covers the indicators and shows such a change."""

    # The set's own fields, frozen with its indicators.
    PROTECTED_FIELDS = ["name", "legal_basis"]

    name = models.CharField("nama", max_length=200, unique=True)
    legal_basis = models.CharField("dasar hukum", max_length=200, blank=True)

    objects = IndicatorSetQuerySet.as_manager()

    class Meta:
        verbose_name = "set indikator"
        verbose_name_plural = "set indikator"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        _SENT_SET_INDICATORS.clear()  # a new set may take a rolled-back set's pk (SQLite)
        if self.pk is not None:
            fields = self.PROTECTED_FIELDS
            stored = IndicatorSet.objects.filter(pk=self.pk).values(*fields).first()
            if stored and any(stored[f] != getattr(self, f) for f in fields):
                self.ensure_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.ensure_editable()
        return super().delete(*args, **kwargs)

    def frozen_reason(self):
        """Why this set can no longer change, in Indonesian; "" while it is editable."""
        if self.pk is None:
            return ""
        cycle = freezing_cycles().filter(indicator_set=self).order_by("year", "period").first()
        if cycle is not None:
            return (
                f"Set indikator ini dipakai oleh Lomba {cycle} yang sudah melewati tahap "
                "Usulan; buat salinan untuk perubahan."
            )
        if Score.objects.filter(indicator__indicator_set=self).exists():
            return "Set indikator ini sudah dipakai menilai; buat salinan untuk perubahan."
        return ""

    def ensure_editable(self):
        # Every write of a set or of its indicators passes here: whatever this process
        # remembers of sets is read again (a test's rollback gives the next set the same pk).
        _SENT_SET_INDICATORS.clear()
        reason = self.frozen_reason()
        if reason:
            raise IndicatorSetFrozen(reason, code="indicator_set_frozen")


# {set id: {indicator id: Indicator}} of the sets a sheet was sent on, kept per process.
# Such a set never changes again (a sent sheet is never deleted, so ensure_editable always
# refuses), so a send reads its 21 indicators once instead of on every send (issue 10).
_SENT_SET_INDICATORS = {}


def remember_sent_set(set_id, indicators):
    """Called once a send on the set has committed (scoring.py)."""
    _SENT_SET_INDICATORS[set_id] = indicators


class IndicatorQuerySet(models.QuerySet):
    """The bulk paths refuse a frozen set too (IndicatorSet.ensure_editable)."""

    def by_pk_of_set(self, set_id):
        """{id: Indicator} of the set, in order; a set a sheet was sent on from memory
        (remember_sent_set), without a query."""
        remembered = _SENT_SET_INDICATORS.get(set_id)
        if remembered is not None:
            return remembered
        return {i.pk: i for i in self.filter(indicator_set_id=set_id)}

    def ensure_sets_editable(self, extra_set_ids=()):
        ids = set(extra_set_ids) | set(self.values_list("indicator_set_id", flat=True))
        for indicator_set in IndicatorSet.objects.filter(pk__in=ids):
            indicator_set.ensure_editable()

    def update(self, **kwargs):
        target = kwargs.get("indicator_set", kwargs.get("indicator_set_id"))
        self.ensure_sets_editable([getattr(target, "pk", target)] if target else ())
        return super().update(**kwargs)

    def delete(self):
        self.ensure_sets_editable()
        return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        self.none().ensure_sets_editable({o.indicator_set_id for o in objs})
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        stored = self.model._default_manager.filter(pk__in=[o.pk for o in objs])
        stored.ensure_sets_editable({o.indicator_set_id for o in objs})
        return super().bulk_update(objs, fields, *args, **kwargs)


# The three scores of every indicator, best first, with their words (BANTAR.md).
SCORE_CHOICES = [(2, "Baik"), (1, "Sedang"), (0, "Kurang")]


class Indicator(models.Model):
    # The one list of what an indicator says: frozen once its set is in use
    # (IndicatorSet.ensure_editable), copied by indicators.copy_indicator_set and
    # fingerprinted by the decree (awards/issuing.py). A new field of meaning is added
    # here and is then protected and copied; the decree fingerprint needs a new version
    # to cover it (released versions never change; tests/awards/test_fingerprint_versions).
    CONTENT_FIELDS = ["code", "pillar", "order", "text", "rubric_2", "rubric_1", "rubric_0"]

    indicator_set = models.ForeignKey(
        IndicatorSet,
        on_delete=models.PROTECT,
        related_name="indicators",
        verbose_name="set indikator",
    )
    code = models.CharField("kode", max_length=4)
    pillar = models.CharField("pilar", max_length=10, choices=Pillar)
    order = models.PositiveSmallIntegerField("urutan")
    text = models.TextField("bunyi indikator")
    # The rubric: what the assessor sees on a visit for each score of this indicator.
    rubric_2 = models.TextField("arti nilai 2 (baik)", blank=True)
    rubric_1 = models.TextField("arti nilai 1 (sedang)", blank=True)
    rubric_0 = models.TextField("arti nilai 0 (kurang)", blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["indicator_set", "order"]
        verbose_name = "indikator"
        verbose_name_plural = "indikator"
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="indicator_unique_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.ensure_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        Indicator.objects.filter(pk=self.pk).ensure_sets_editable()
        return super().delete(*args, **kwargs)

    def rubric(self):
        """[(score, word, meaning)] for 2, 1, 0; empty when no meaning is written yet."""
        levels = [(value, word, getattr(self, f"rubric_{value}")) for value, word in SCORE_CHOICES]
        return levels if any(meaning for _, _, meaning in levels) else []

    def _sets_touched(self):
        """The sets this save would change: its set, and the stored one when it moves.
        Empty when neither the set nor any of CONTENT_FIELDS changes."""
        if self.pk is None:
            return {self.indicator_set_id}
        fields = ["indicator_set_id", *self.CONTENT_FIELDS]
        stored = Indicator.objects.filter(pk=self.pk).values(*fields).first()
        if stored is None:
            return {self.indicator_set_id}
        if all(stored[f] == getattr(self, f) for f in fields):
            return set()
        return {self.indicator_set_id, stored["indicator_set_id"]}

    def ensure_editable(self):
        for indicator_set in IndicatorSet.objects.filter(pk__in=self._sets_touched()):
            indicator_set.ensure_editable()

    def clean(self):
        # The form's message; save() holds the same rule on every other path.
        self.ensure_editable()


class Cycle(models.Model):
    """A periode lomba: a year and a period, with the settings BANTAR.md calls per-cycle."""

    class Stage(models.TextChoices):
        PERSIAPAN = "PERSIAPAN", "Persiapan"
        USULAN = "USULAN", "Usulan"
        PENILAIAN = "PENILAIAN", "Penilaian"
        REKAPITULASI = "REKAPITULASI", "Rekapitulasi"
        DITETAPKAN = "DITETAPKAN", "Ditetapkan"
        ARSIP = "ARSIP", "Arsip"

    STAGE_ORDER = [s.value for s in Stage]
    # While a cycle is in these stages its indicator set may still change (IndicatorSet).
    INDICATOR_SET_OPEN_STAGES = [Stage.PERSIAPAN, Stage.USULAN]
    # The rules the decree rests on besides the scores, fingerprinted (awards/issuing.py v2).
    RULE_FIELDS = [
        "kecil_below",
        "besar_above",
        "prize_kecil",
        "prize_sedang",
        "prize_besar",
        "pass_min_total_pct",
        "pass_min_pillar_pct",
        "kencana_consecutive_wins",
        "kencana_min_total_pct",
    ]

    year = models.PositiveSmallIntegerField("tahun")
    period = models.PositiveSmallIntegerField("periode", default=1)
    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="cycles", verbose_name="set indikator"
    )
    stage = models.CharField("tahap", max_length=15, choices=Stage, default=Stage.PERSIAPAN)
    kecil_below = models.PositiveIntegerField(
        "batas Kecil (KK kurang dari)", default=DEFAULT_KECIL_BELOW
    )
    besar_above = models.PositiveIntegerField(
        "batas Besar (KK lebih dari)", default=DEFAULT_BESAR_ABOVE
    )
    prize_kecil = models.DecimalField(
        "uang pembinaan Kecil", max_digits=14, decimal_places=2, default=Decimal("5000000")
    )
    prize_sedang = models.DecimalField(
        "uang pembinaan Sedang", max_digits=14, decimal_places=2, default=Decimal("7500000")
    )
    prize_besar = models.DecimalField(
        "uang pembinaan Besar", max_digits=14, decimal_places=2, default=Decimal("10000000")
    )
    pass_min_total_pct = models.DecimalField(
        "nilai total minimal (%)", max_digits=5, decimal_places=2, default=Decimal("70")
    )
    pass_min_pillar_pct = models.DecimalField(
        "nilai minimal tiap pilar (%)", max_digits=5, decimal_places=2, default=Decimal("50")
    )
    kencana_consecutive_wins = models.PositiveSmallIntegerField(
        "menang berturut-turut untuk Kencana", default=3
    )
    kencana_min_total_pct = models.DecimalField(
        "nilai total minimal Kencana (%)", max_digits=5, decimal_places=2, default=Decimal("85")
    )
    proposal_opens = models.DateField("usulan dibuka", null=True, blank=True)
    proposal_closes = models.DateField("usulan ditutup", null=True, blank=True)
    assessment_opens = models.DateField("penilaian dibuka", null=True, blank=True)
    assessment_closes = models.DateField("penilaian ditutup", null=True, blank=True)
    # Set once by awards.issuing.finalise_decree: from then on nothing of the cycle changes.
    is_locked = models.BooleanField("terkunci (SK final)", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-period"]
        verbose_name = "periode lomba"
        verbose_name_plural = "periode lomba"
        constraints = [
            models.UniqueConstraint(fields=["year", "period"], name="cycle_unique_year_period"),
            models.CheckConstraint(
                condition=Q(besar_above__gte=models.F("kecil_below")),
                name="cycle_thresholds_ordered",
            ),
        ]

    def __str__(self):
        return f"Tahun {self.year} Periode {self.period_roman}"

    @property
    def period_roman(self):
        return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(self.period, str(self.period))

    def size_category(self, kk_count):
        return size_category_for(
            kk_count, kecil_below=self.kecil_below, besar_above=self.besar_above
        )

    def prize_for(self, category):
        return {
            SizeCategory.KECIL: self.prize_kecil,
            SizeCategory.SEDANG: self.prize_sedang,
            SizeCategory.BESAR: self.prize_besar,
        }[category]

    def ensure_editable(self):
        if self.is_locked:
            raise CycleLocked(
                f"Periode {self} sudah ditetapkan dengan SK final; datanya tidak dapat diubah.",
                code="cycle_locked",
            )

    def is_open_for(self, stage):
        """Whether the work of `stage` may happen now: the cycle is in that stage and not
        locked by a final SK. What pages ask before offering a form; ensure_stage refuses."""
        return self.stage == stage and not self.is_locked

    def ensure_stage(self, *stages, action):
        """Refuse `action` (an Indonesian phrase) unless the cycle is in one of `stages`."""
        self.ensure_editable()
        if self.stage not in stages:
            names = ", ".join(self.Stage(s).label for s in stages)
            raise StageNotAllowed(
                f"Tidak dapat {action}: periode {self} sedang di tahap "
                f"{self.get_stage_display()}, sedangkan ini hanya boleh di tahap {names}.",
                code="wrong_stage",
            )

    def next_stage(self):
        i = self.STAGE_ORDER.index(self.stage)
        return self.STAGE_ORDER[i + 1] if i + 1 < len(self.STAGE_ORDER) else None


class Team(models.Model):
    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="teams", verbose_name="periode lomba"
    )
    name = models.CharField("nama tim", max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMember", related_name="bantar_teams"
    )

    class Meta:
        ordering = ["cycle", "name"]
        verbose_name = "tim penilai"
        verbose_name_plural = "tim penilai"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "name"], name="team_unique_name"),
        ]

    def __str__(self):
        return f"{self.name} ({self.cycle})"


class TeamMember(models.Model):
    Agency = OfficerProfile.Agency

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships"
    )
    agency = models.CharField("unsur/instansi", max_length=20, choices=Agency)

    class Meta:
        verbose_name = "anggota tim"
        verbose_name_plural = "anggota tim"
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="teammember_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_agency_display()})"


class ProposalQuerySet(ScopedQuerySet):
    kelurahan_path = "rt__kelurahan"
    kecamatan_path = "rt__kelurahan__kecamatan"

    def assigned_to(self, user):
        return self.filter(team__memberships__user=user)

    def with_scoring_rights(self, user):
        """Annotate `is_assigned`, `has_conflict` and `is_tim_penilai` (the user's role) for
        `user`, so the scoring rules read them from the proposal's own row instead of three
        more queries."""
        from django.contrib.auth.models import Group

        from rt_registry import roles

        return self.annotate(
            is_tim_penilai=models.Exists(
                Group.objects.filter(user=user.pk, name=roles.TIM_PENILAI)
            ),
            is_assigned=models.Exists(
                TeamMember.objects.filter(team_id=models.OuterRef("team_id"), user=user)
            ),
            has_conflict=models.Exists(
                ConflictOfInterest.objects.filter(proposal=models.OuterRef("pk"), assessor=user)
            ),
        )

    def evidence_visible_to(self, user):
        """Whose visit photos and positions `user` may see: Admin DPMPPA all; a Tim Penilai
        member their team's proposals (the team sees its own); nobody else, officers of
        an area included."""
        from rt_registry import roles

        if not user.is_authenticated:
            return self.none()
        if roles.is_admin_dpmppa(user):
            return self
        if roles.is_assessor(user):
            return self.assigned_to(user)
        return self.none()

    def verified(self):
        return self.filter(status=Proposal.Status.DIVERIFIKASI)


class Proposal(models.Model):
    """An usulan: one RT entered in one cycle. The RT's facts at the time are copied onto
    it, so later changes to the RT (KK count, renumbering) never change a past result."""

    class Status(models.TextChoices):
        DIAJUKAN = "DIAJUKAN", "Diajukan"
        DIKEMBALIKAN = "DIKEMBALIKAN", "Dikembalikan"
        DIVERIFIKASI = "DIVERIFIKASI", "Diverifikasi"

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="proposals", verbose_name="periode lomba"
    )
    rt = models.ForeignKey(
        RT, on_delete=models.PROTECT, related_name="proposals", verbose_name="RT"
    )
    status = models.CharField(max_length=15, choices=Status, default=Status.DIAJUKAN)
    # Snapshot at proposal time.
    kecamatan_name = models.CharField("kecamatan", max_length=100)
    kelurahan_name = models.CharField("kelurahan", max_length=100)
    rt_number = models.PositiveSmallIntegerField("nomor RT")
    ketua_name = models.CharField("Ketua RT", max_length=120, blank=True)
    kk_count = models.PositiveIntegerField("jumlah KK")
    size_category = models.CharField("kategori", max_length=10, choices=SizeCategory)
    return_reason = models.TextField("alasan dikembalikan", blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name="tim penilai",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField("diusulkan", auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField("diverifikasi", null=True, blank=True)

    objects = ProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "kecamatan_name", "kelurahan_name", "rt_number"]
        verbose_name = "usulan"
        verbose_name_plural = "usulan"
        # What a role may do beyond add/change: see rt_registry/roles.py.
        permissions = [
            ("verify_proposal", "Dapat memverifikasi atau mengembalikan usulan"),
            ("assign_proposal", "Dapat menugaskan usulan ke tim penilai"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "rt"], name="proposal_unique_rt_per_cycle"),
            models.CheckConstraint(condition=Q(kk_count__gte=1), name="proposal_kk_positive"),
        ]

    def __str__(self):
        return f"RT {self.rt_number:02d} {self.kelurahan_name} ({self.cycle})"


class ConflictOfInterest(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("alasan")
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "konflik kepentingan"
        verbose_name_plural = "konflik kepentingan"
        constraints = [
            models.UniqueConstraint(fields=["proposal", "assessor"], name="conflict_unique"),
        ]

    def __str__(self):
        return f"Konflik kepentingan {self.assessor} – {self.proposal}"


class AssessmentQuerySet(models.QuerySet):
    def sent(self):
        return self.filter(status=Assessment.Status.SENT)


class Assessment(models.Model):
    """One assessor's sheet for one proposal, in versions. A sent version is never
    changed: reopening makes a new DRAFT version; sending it marks the previous SENT one
    SUPERSEDED. So per (proposal, assessor) there is at most one DRAFT and one SENT."""

    class Status(models.TextChoices):
        DRAFT = "DRAFT", "Draf"
        SENT = "SENT", "Terkirim"
        SUPERSEDED = "SUPERSEDED", "Digantikan"

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="assessments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=12, choices=Status, default=Status.DRAFT)
    # Generated by the tablet; a repeated request with the same token is the same save.
    client_token = models.UUIDField(default=uuid.uuid4, unique=True)
    visit_date = models.DateField("tanggal kunjungan", null=True, blank=True)
    general_note = models.TextField("catatan umum", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField("dikirim", null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField("alasan dibuka kembali", blank=True)
    # Where and when the assessor was, as the tablet reported it (optional: only when the
    # assessor pressed "Catat lokasi kunjungan" and allowed it).
    visit_latitude = models.DecimalField(
        "lintang kunjungan", max_digits=9, decimal_places=6, null=True, blank=True
    )
    visit_longitude = models.DecimalField(
        "bujur kunjungan", max_digits=9, decimal_places=6, null=True, blank=True
    )
    visit_accuracy_m = models.PositiveIntegerField("ketelitian lokasi (m)", null=True, blank=True)
    visit_located_at = models.DateTimeField("lokasi dicatat", null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["proposal", "assessor", "version"]
        verbose_name = "lembar penilaian"
        verbose_name_plural = "lembar penilaian"
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "assessor", "version"], name="assessment_unique_version"
            ),
            models.UniqueConstraint(
                fields=["proposal", "assessor"],
                condition=Q(status="DRAFT"),
                name="assessment_one_draft",
            ),
            models.UniqueConstraint(
                fields=["proposal", "assessor"],
                condition=Q(status="SENT"),
                name="assessment_one_sent",
            ),
            models.CheckConstraint(
                condition=Q(visit_latitude__isnull=True)
                | Q(visit_latitude__gte=-90, visit_latitude__lte=90),
                name="assessment_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(visit_longitude__isnull=True)
                | Q(visit_longitude__gte=-180, visit_longitude__lte=180),
                name="assessment_longitude_range",
            ),
        ]

    def __str__(self):
        return f"Penilaian {self.proposal} oleh {self.assessor} v{self.version}"

    def position_text(self):
        """ "-1.610000, 103.610000 (±12 m)" or "" (plain text: pages make no map calls)."""
        if self.visit_latitude is None or self.visit_longitude is None:
            return ""
        accuracy = f" (±{self.visit_accuracy_m} m)" if self.visit_accuracy_m is not None else ""
        return f"{self.visit_latitude}, {self.visit_longitude}{accuracy}"


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField("nilai")
    note = models.TextField("catatan", blank=True)

    class Meta:
        verbose_name = "nilai"
        verbose_name_plural = "nilai"
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="score_unique"),
            models.CheckConstraint(condition=Q(value__lte=2), name="score_value_0_to_2"),
        ]

    def __str__(self):
        return f"{self.indicator.code} = {self.value}"


def evidence_photo_path(photo, filename):
    # Under MEDIA_ROOT, which is never served directly: evidence_views.py checks scope.
    # stored_files.integrity.ROW_PER_FILE_FOLDERS names this folder too.
    return f"bukti/{photo.assessment.proposal.cycle_id}/{uuid.uuid4().hex}.jpg"


class EvidencePhotoQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The photos of the proposals Proposal.objects.evidence_visible_to(user)."""
        return self.filter(assessment__proposal__in=Proposal.objects.evidence_visible_to(user))


class EvidencePhoto(models.Model):
    """A photo taken on the visit for one indicator of a sheet, re-encoded as JPEG on the
    server (evidence.py: no EXIF, so no GPS or camera data) and stored with its SHA-256.
    A reopened sheet's new version gets rows pointing at the same stored files."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="photos", verbose_name="lembar"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name="indikator"
    )
    file = models.FileField("berkas", upload_to=evidence_photo_path)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("ukuran (bita)")
    width = models.PositiveIntegerField("lebar (px)")
    height = models.PositiveIntegerField("tinggi (px)")
    taken_at = models.DateTimeField("diambil (menurut tablet)", null=True, blank=True)
    uploaded_at = models.DateTimeField("diunggah", default=timezone.now)

    objects = EvidencePhotoQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "indicator__order", "uploaded_at", "pk"]
        verbose_name = "foto bukti"
        verbose_name_plural = "foto bukti"
        constraints = [
            # A replayed or repeated photo is the same photo: never stored twice on a sheet.
            models.UniqueConstraint(
                fields=["assessment", "sha256"], name="evidencephoto_unique_per_sheet"
            ),
        ]

    def __str__(self):
        return f"Foto {self.indicator.code} – {self.assessment}"


class Meeting(models.Model):
    """The rapat that decides; its record is the Berita Acara."""

    cycle = models.OneToOneField(
        Cycle, on_delete=models.PROTECT, related_name="meeting", verbose_name="periode lomba"
    )
    held_on = models.DateField("tanggal rapat")
    place = models.CharField("tempat", max_length=200)
    number = models.CharField("nomor berita acara", max_length=100, blank=True)
    notes = models.TextField("catatan", blank=True)
    head_name = models.CharField("nama Kepala DPMPPA", max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "rapat penetapan"
        verbose_name_plural = "rapat penetapan"

    def __str__(self):
        return f"Rapat {self.cycle} ({self.held_on:%d/%m/%Y})"


class MeetingAttendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField("nama", max_length=120)
    position = models.CharField("jabatan/unsur", max_length=150)
    # Printed under the name on the Berita Acara's signature sheet; empty for a signer
    # who is not a civil servant (a community representative has no rank or NIP).
    rank = models.CharField("pangkat/golongan", max_length=120, blank=True)
    nip = models.CharField("NIP", max_length=21, blank=True)
    order = models.PositiveSmallIntegerField("urutan", default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "peserta rapat"
        verbose_name_plural = "peserta rapat"

    def __str__(self):
        return f"{self.name} ({self.position})"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        LULUS = "LULUS", "Memenuhi kriteria"
        TIDAK_LULUS = "TIDAK_LULUS", "Tidak memenuhi kriteria"

    proposal = models.OneToOneField(Proposal, on_delete=models.PROTECT, related_name="decision")
    # What the cycle's rule said at decision time, kept so an overrule stays visible.
    rule_passes = models.BooleanField("lulus menurut aturan")
    total = models.DecimalField("nilai total", max_digits=6, decimal_places=3)
    outcome = models.CharField("keputusan", max_length=12, choices=Outcome)
    overrule_reason = models.TextField("alasan menyimpang dari aturan", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "keputusan rapat"
        verbose_name_plural = "keputusan rapat"
        constraints = [
            # An overrule (outcome differs from the rule) needs a written reason.
            models.CheckConstraint(
                condition=(
                    Q(rule_passes=True, outcome="LULUS")
                    | Q(rule_passes=False, outcome="TIDAK_LULUS")
                    | ~Q(overrule_reason="")
                ),
                name="decision_overrule_needs_reason",
            ),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.proposal}"

    @property
    def is_overruled(self):
        return self.rule_passes != (self.outcome == self.Outcome.LULUS)
