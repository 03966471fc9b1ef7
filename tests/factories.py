"""Keyword-only factory functions. No random data: every value is given or fixed."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from rt_registry import roles
from rt_registry.models import RT, Kecamatan, Kelurahan, OfficerProfile

PASSWORD = "Rahasia#12345"


def kelurahan_named(name):
    return Kelurahan.objects.select_related("kecamatan").get(name=name)


def kecamatan_named(name):
    return Kecamatan.objects.get(name=name)


def make_kecamatan(*, code, name):
    return Kecamatan.objects.create(code=code, name=name)


def make_kelurahan(*, kecamatan, code, name):
    return Kelurahan.objects.create(kecamatan=kecamatan, code=code, name=name)


def make_rt(*, kelurahan, number, kk_count=60, ketua_name="Ketua Uji", phone="", is_active=True):
    if isinstance(kelurahan, str):
        kelurahan = kelurahan_named(kelurahan)
    return RT.objects.create(
        kelurahan=kelurahan,
        number=number,
        kk_count=kk_count,
        ketua_name=ketua_name,
        phone=phone,
        is_active=is_active,
    )


def make_user(*, username, role=None, kecamatan=None, kelurahan=None, agency="", is_staff=None):
    User = get_user_model()
    user = User.objects.create_user(username=username, password=PASSWORD)
    if is_staff is None:
        is_staff = role in (roles.ADMIN_DPMPPA, roles.PETUGAS_KECAMATAN, roles.PETUGAS_KELURAHAN)
    user.is_staff = is_staff
    user.save()
    if role:
        user.groups.add(Group.objects.get(name=role))
    if isinstance(kecamatan, str):
        kecamatan = kecamatan_named(kecamatan)
    if isinstance(kelurahan, str):
        kelurahan = kelurahan_named(kelurahan)
    OfficerProfile.objects.create(
        user=user, kecamatan=kecamatan, kelurahan=kelurahan, agency=agency
    )
    return user


# --- Award cycle (assessments) -------------------------------------------------------


def default_indicator_set():
    from assessments.models import IndicatorSet

    return IndicatorSet.objects.order_by("pk").first()


def make_cycle(*, year=2026, period=1, stage="USULAN", is_locked=False, **settings):
    """A cycle on the migrated indicator set; `settings` override any Cycle field."""
    from assessments.models import Cycle

    settings.setdefault("indicator_set", default_indicator_set())
    return Cycle.objects.create(
        year=year, period=period, stage=stage, is_locked=is_locked, **settings
    )


def make_proposal(*, cycle, rt, status="DIAJUKAN", team=None, by=None, return_reason=""):
    """A proposal with the RT's facts copied, written directly (no stage checks), so tests
    can set up any state. Workflow tests use assessments.proposals.propose_rt instead."""
    from assessments.models import Proposal

    return Proposal.objects.create(
        cycle=cycle,
        rt=rt,
        status=status,
        team=team,
        proposed_by=by,
        return_reason=return_reason,
        kecamatan_name=rt.kelurahan.kecamatan.name,
        kelurahan_name=rt.kelurahan.name,
        rt_number=rt.number,
        ketua_name=rt.ketua_name,
        kk_count=rt.kk_count,
        size_category=cycle.size_category(rt.kk_count),
    )


def make_team(*, cycle, name="Tim 1", members=()):
    """`members`: users (agency DPMPPA) or (user, agency) pairs."""
    from assessments.models import Team, TeamMember

    team = Team.objects.create(cycle=cycle, name=name)
    for member in members:
        user, agency = member if isinstance(member, tuple) else (member, "DPMPPA")
        TeamMember.objects.create(team=team, user=user, agency=agency)
    return team


def send_sheet(*, proposal, assessor, value=2, visit_date=None):
    """A sheet sent through the scoring rules (assessments.scoring.send_sheet), as the
    tablet's send would: every indicator of the cycle's set scored `value`."""
    import datetime
    import uuid

    from assessments import scoring
    from assessments.models import Indicator

    indicators = Indicator.objects.filter(indicator_set_id=proposal.cycle.indicator_set_id)
    return scoring.send_sheet(
        proposal=proposal,
        assessor=assessor,
        client_token=uuid.uuid4(),
        values={i.pk: value for i in indicators},
        visit_date=visit_date or datetime.date.today(),
    )


def make_sheet(*, proposal, assessor, values=2, status="SENT", version=1, notes=None):
    """An assessment sheet written directly (no assignment or stage checks). `values`: one
    value for every indicator of the cycle's set, or {code: value} for some of them.
    Scoring-rule tests use assessments.scoring.save_sheet/send_sheet instead."""
    from django.utils import timezone

    from assessments.models import Assessment, Indicator, Score

    indicators = Indicator.objects.filter(indicator_set_id=proposal.cycle.indicator_set_id)
    if isinstance(values, int):
        values = {i.code: values for i in indicators}
    sheet = Assessment.objects.create(
        proposal=proposal,
        assessor=assessor,
        status=status,
        version=version,
        sent_at=timezone.now() if status != "DRAFT" else None,
    )
    notes = notes or {}
    Score.objects.bulk_create(
        Score(assessment=sheet, indicator=i, value=values[i.code], note=notes.get(i.code, ""))
        for i in indicators
        if i.code in values
    )
    return sheet


# --- Awards and decrees (awards) ------------------------------------------------------


def make_award(*, proposal, tier="BANTAR", prize_amount=None, certificate_number=""):
    """An award written directly from a proposal's snapshot (no workflow checks), for tests
    that need awards before awards.issuing.create_awards is involved. Create awards
    before the cycle is locked (make_decree(status="FINAL") locks it)."""
    from awards.models import Award

    cycle = proposal.cycle
    return Award.objects.create(
        proposal=proposal,
        cycle=cycle,
        rt=proposal.rt,
        tier=tier,
        size_category=proposal.size_category,
        prize_amount=(
            cycle.prize_for(proposal.size_category) if prize_amount is None else prize_amount
        ),
        certificate_number=certificate_number,
    )


def make_winner(*, cycle, kelurahan, number, kk_count=132, ketua_name="Ketua Uji", tier="BANTAR"):
    """RT + verified proposal + award in one call."""
    rt = make_rt(kelurahan=kelurahan, number=number, kk_count=kk_count, ketua_name=ketua_name)
    proposal = make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI")
    return make_award(proposal=proposal, tier=tier)


def make_decree(
    *,
    cycle,
    status="FINAL",
    number=None,
    decided_on=None,
    signatory_name="H. Ahmad Subrata",
    signatory_title="WALI KOTA JAMBI",
    paper_size="A4",
    amends=None,
    correction="",
    lock_cycle=True,
    **fields,
):
    """A decree written directly (no PDF; `fields` may set pdf_sha256, basis_fingerprint…).
    A FINAL one locks the cycle unless lock_cycle=False, as finalise_decree does."""
    import datetime

    from awards.models import Decree

    if number is None:
        number = "" if status == "DRAFT" else f"{100 + cycle.pk} TAHUN {cycle.year}"
    if decided_on is None and status != "DRAFT":
        decided_on = datetime.date(cycle.year, 8, 19)
    decree = Decree.objects.create(
        cycle=cycle,
        status=status,
        number=number,
        decided_on=decided_on,
        tentang=(
            "Penetapan Rukun Tetangga Pemenang Kampung Bersih, Aman dan Pintar (BANTAR) "
            f"Kota Jambi Tahun {cycle.year} Periode {cycle.period_roman}"
        ),
        signatory_name=signatory_name,
        signatory_title=signatory_title,
        menimbang="bahwa uji;",
        mengingat="Undang-Undang uji;",
        dictums="KESATU: uji.",
        paper_size=paper_size,
        amends=amends,
        correction=correction,
        **fields,
    )
    if status == "FINAL" and lock_cycle and not cycle.is_locked:
        cycle.is_locked = True
        cycle.save()
    return decree


# --- A decided cycle, ready for awards and the decree (awards.issuing) -----------------


def make_decided_cycle(
    *, year=2026, period=1, winners=(), losers=(), assessor, by, meeting_number="BA-01", **settings
):
    """A cycle in Rekapitulasi whose meeting has decided: every proposal verified, one SENT
    sheet per proposal from `assessor` (all scores 2 for winners, 1 for losers) and a
    decision. `winners`/`losers`: (kelurahan, rt_number, kk_count[, ketua_name]) tuples.
    Returns the cycle; proposals via cycle.proposals."""
    import datetime
    from decimal import Decimal

    from assessments.models import Assessment, Decision, Indicator, Meeting, Score

    cycle = make_cycle(year=year, period=period, stage="REKAPITULASI", **settings)
    Meeting.objects.create(
        cycle=cycle,
        held_on=datetime.date(year, 8, 10),
        place="Aula DPMPPA",
        number=meeting_number,
    )
    indicators = list(Indicator.objects.filter(indicator_set_id=cycle.indicator_set_id))
    for entries, passed in ((winners, True), (losers, False)):
        for kelurahan, number, kk_count, *rest in entries:
            rt = make_rt(
                kelurahan=kelurahan,
                number=number,
                kk_count=kk_count,
                ketua_name=rest[0] if rest else f"Ketua RT {number}",
            )
            proposal = make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI")
            sheet = Assessment.objects.create(
                proposal=proposal, assessor=assessor, status="SENT", version=1
            )
            value = 2 if passed else 1
            Score.objects.bulk_create(
                Score(assessment=sheet, indicator=i, value=value) for i in indicators
            )
            Decision.objects.create(
                proposal=proposal,
                rule_passes=passed,
                total=Decimal(value * len(indicators)),
                outcome="LULUS" if passed else "TIDAK_LULUS",
                decided_by=by,
            )
    return cycle


def store_pdf(*, record, field, sha_field, data=b"%PDF-1.4 berkas uji\n", filename="uji.pdf"):
    """Give `record` a stored file and its recorded SHA-256 (as finalise_decree and
    store_certificate do), written with update(): a final decree refuses save()."""
    import hashlib

    from django.core.files.base import ContentFile

    fieldfile = getattr(record, field)
    name = fieldfile.storage.save(
        fieldfile.field.generate_filename(record, filename), ContentFile(data)
    )
    type(record).objects.filter(pk=record.pk).update(
        **{field: name, sha_field: hashlib.sha256(data).hexdigest()}
    )
    record.refresh_from_db()
    return record


def png_bytes(*, width=600, height=600):
    """A plain PNG image (Pillow), e.g. an emblem upload."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(*, width=800, height=600, color=(40, 120, 60), gps=False):
    """A plain JPEG photo (Pillow); `gps=True` writes an EXIF GPS block into it."""
    import io

    from PIL import Image

    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "S", 2: (1.0, 36.0, 0.0), 3: "E", 4: (103.0, 36.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def make_photo(*, sheet, indicator, color=(40, 120, 60)):
    """An evidence photo stored on `sheet` directly (no endpoint, no limits)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments import evidence

    upload = SimpleUploadedFile("foto.jpg", jpeg_bytes(color=color), "image/jpeg")
    prepared = evidence.prepare_photo(upload, indicator_id=indicator.pk, label="Foto")
    evidence.attach_photos(sheet, [prepared], indicators={indicator.pk: indicator}, written=[])
    return sheet.photos.get(sha256=prepared.sha256)


def make_document_identity(*, official=True, head_name="Dra. Kepala Dinas", **fields):
    """The «Identitas dokumen» record; `official` uploads PNG emblems for both kinds."""
    from django.core.files.base import ContentFile

    from awards.models import DocumentIdentity

    identity = DocumentIdentity(
        kop_address=fields.pop("kop_address", "Jl. Uji No. 1, Telanaipura, Kota Jambi 36122"),
        head_name=head_name,
        **fields,
    )
    if official:
        identity.garuda.save("garuda.png", ContentFile(png_bytes()), save=False)
        identity.lambang.save("lambang.png", ContentFile(png_bytes()), save=False)
    identity.save()
    return identity
