"""Demo awards for `manage.py seed_demo`: the past cycle's awards, its FINAL decree with
the stored PDF, certificates (one batch, each RT's page stored on its award) and prize
payments, so the verification page and the PDFs can be seen right after `make run`.

It goes through the real workflow (awards.issuing: create_draft_decree, finalise_decree;
awards.certificates), synchronously instead of on the worker. Every step checks for its
rows first: a second run writes nothing and renders nothing."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.demo import ensure_document
from awards import certificates
from awards.issuing import create_draft_decree, finalise_decree
from awards.models import Award, Decree
from awards.payments import record_payment

SEED = 20250817
DECREE_NUMBER = "412 TAHUN 2025"
DECREE_DATE = datetime.date(2025, 8, 11)
# SK.md: the name in capitals, without titles.
SIGNATORY = "MAULANA"
SIGNATORY_TITLE = "WALI KOTA JAMBI"
PAID_SHARE = 0.6
PAID_ON = [datetime.date(2025, 9, 2), datetime.date(2025, 9, 9), datetime.date(2025, 9, 16)]


def seed(*, cycle, stdout=None):
    admin = get_user_model().objects.get(username="dpmppa")
    decree = ensure_final_decree(cycle=cycle, admin=admin, stdout=stdout)
    ensure_certificates(cycle=cycle, admin=admin, stdout=stdout)
    with transaction.atomic():
        ensure_payments(cycle=cycle, admin=admin, stdout=stdout)
    return decree


def ensure_final_decree(*, cycle, admin, stdout):
    """The decree as DPMPPA makes it: a draft with the default text (which creates the
    awards from the decisions), number, date and signatory filled in, then finalised
    (stored PDF/A, fingerprint, cycle locked)."""
    final = Decree.objects.filter(cycle=cycle, status=Decree.Status.FINAL).first()
    if final is not None:
        return final
    with transaction.atomic():
        draft = Decree.objects.filter(cycle=cycle, status=Decree.Status.DRAFT).first()
        if draft is None:
            draft = create_draft_decree(cycle=cycle, by=admin)
        draft.number = DECREE_NUMBER
        draft.decided_on = DECREE_DATE
        draft.signatory_name = SIGNATORY
        draft.signatory_title = SIGNATORY_TITLE
        draft._history_user = admin
        draft.save()
    decree = finalise_decree(draft, by=admin)
    write(
        stdout,
        f"{cycle}: {Award.objects.filter(cycle=cycle).count()} penghargaan, "
        f"SK {decree.number} final ({decree.pdf.name}).",
    )
    return decree


def ensure_certificates(*, cycle, admin, stdout):
    """The whole cycle's batch, rendered by the worker's own code: one document, and each
    RT's page stored as its certificate (awards.certificates.render_certificates_job)."""
    ensure_document(
        kind="certificates",
        subject=certificates.batch_subject(cycle=cycle),
        by=admin,
        stdout=stdout,
    )


def ensure_payments(*, cycle, admin, stdout):
    """About 60% of prizes paid after the decree, in three transfers (SP2D) a week apart,
    through the same function as the admin's «Tandai dibayar»."""
    awards = Award.objects.filter(cycle=cycle)
    if awards.filter(payment_status=Award.PaymentStatus.DIBAYAR).exists():
        return
    rng = random.Random(SEED)
    transfers = [[] for _ in PAID_ON]
    for i, award in enumerate(awards.order_by("pk")):
        if rng.random() < PAID_SHARE:
            transfers[i % len(PAID_ON)].append(award)
    paid = 0
    for n, (paid_on, batch) in enumerate(zip(PAID_ON, transfers, strict=True), start=1):
        reference = f"SP2D {n:05d}/LS/DPMPPA/{paid_on.year}"
        paid += record_payment(awards=batch, paid_on=paid_on, reference=reference, by=admin)
    write(stdout, f"{cycle}: {paid} uang pembinaan tercatat dibayar.")


def write(stdout, message):
    if stdout is not None:
        stdout.write(message)
