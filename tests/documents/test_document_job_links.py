"""The progress page of a document links back to its object and on to the next step of
the office flow: no dead end after the Berita Acara, the SK or the piagam."""

import html

import pytest
from django.urls import reverse

from assessments.models import Meeting
from documents.models import DocumentJob
from tests import factories

pytestmark = pytest.mark.django_db


def job_page(client, user, *, kind, subject):
    job = DocumentJob.objects.create(kind=kind, subject=subject, requested_by=user, status="DONE")
    client.force_login(user)
    page = html.unescape(client.get(reverse("documents:job", args=[job.pk])).content.decode())
    return page[page.index('id="job-links"') :] if 'id="job-links"' in page else ""


def test_berita_acara_page_leads_back_to_decisions_and_on_to_the_draft_sk(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    meeting = Meeting.objects.create(cycle=cycle, held_on="2026-08-10", place="Aula")

    links = job_page(client, admin_dpmppa, kind="berita_acara", subject=f"meeting:{meeting.pk}")

    assert f'href="/rapat/{cycle.pk}/keputusan/"' in links
    assert f'href="/admin/awards/decree/add/?cycle={cycle.pk}"' in links


def test_berita_acara_made_again_after_the_sk_leads_to_that_sk_not_a_second_draft(
    client, admin_dpmppa
):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    meeting = Meeting.objects.create(cycle=cycle, held_on="2026-08-10", place="Aula")
    factories.make_decree(cycle=cycle, status="DRAFT")

    links = job_page(client, admin_dpmppa, kind="berita_acara", subject=f"meeting:{meeting.pk}")

    assert f'href="/admin/awards/decree/?cycle__id__exact={cycle.pk}"' in links
    assert "/admin/awards/decree/add/" not in links


def test_draft_preview_page_leads_back_to_the_sk_and_on_to_finalising(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    decree = factories.make_decree(cycle=cycle, status="DRAFT")

    links = job_page(client, admin_dpmppa, kind="decree", subject=f"decree:{decree.pk}")

    assert f'href="/admin/awards/decree/{decree.pk}/change/"' in links
    assert f'href="/admin/awards/decree/{decree.pk}/finalkan/"' in links
    assert "/piagam/" not in links


def test_final_sk_page_leads_on_to_certificates_and_payments(client, admin_dpmppa):
    cycle = factories.make_cycle(stage="REKAPITULASI")
    decree = factories.make_decree(cycle=cycle, status="FINAL")

    links = job_page(client, admin_dpmppa, kind="decree-final", subject=f"decree:{decree.pk}")

    assert f'href="/piagam/{cycle.pk}/"' in links
    assert f'href="/pembayaran/{cycle.pk}/xlsx"' in links
    assert "finalkan" not in links


def test_certificate_batch_page_leads_back_to_the_list_and_on_to_payments(
    client, kelurahan_officer
):
    cycle = factories.make_cycle(stage="DITETAPKAN")
    kelurahan = factories.kelurahan_named("Buluran Kenali")
    subject = f"certificates:kelurahan:{cycle.pk}:{kelurahan.pk}"

    links = job_page(client, kelurahan_officer, kind="certificates", subject=subject)

    assert f'href="/piagam/{cycle.pk}/"' in links
    assert f'href="/pembayaran/{cycle.pk}/xlsx"' in links
