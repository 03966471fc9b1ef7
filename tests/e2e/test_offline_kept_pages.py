"""Kept pages open from the device first: a sheet or the list kept a moment ago opens
online with no request reaching the server at all; a kept page older than the app's
freshness window still opens from the device, is checked against the server, and a change
made there (the sheet reopened, the RT taken off the assessor's list) is offered with
"Muat ulang", which keeps the answers typed on the device."""

import pytest
from django.core.signals import request_started

from assessments import offline, scoring
from assessments.models import Assessment
from tests import factories
from tests.e2e.test_offline import prepare_tablet

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def server_requests():
    """Every request that reaches the live server (static files included), by path."""
    seen = []

    def record(sender, environ, **kwargs):
        seen.append(environ["PATH_INFO"])

    request_started.connect(record)
    yield seen
    request_started.disconnect(record)


def sheet_url(proposal):
    return f"/penilaian/{proposal.pk}/"


def settle(page):
    # Long enough for anything a page starts after it loads (outbox, checks) to be sent.
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)


def test_kept_sheet_and_list_open_online_with_no_request_at_all(page, proposals, server_requests):
    prepare_tablet(page)
    settle(page)
    server_requests.clear()

    page.goto(sheet_url(proposals[0]))
    page.wait_for_selector("fieldset[data-indicator]")
    settle(page)
    page.goto("/penilaian/")
    page.wait_for_selector("#offline-panel[data-prepared=ya]")
    settle(page)

    assert server_requests == []
    # Opened from the device, styled by the kept stylesheet.
    assert page.locator("[data-rt]").count() == 3
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def test_a_sheet_reopened_on_the_server_is_offered_and_reloading_keeps_the_answers(
    page, proposals, assessor, admin_dpmppa, monkeypatch, server_requests
):
    monkeypatch.setattr(offline, "FRESH_SECONDS", 0)  # every kept page is checked
    target = proposals[0]
    sent = factories.send_sheet(proposal=target, assessor=assessor, value=1)
    prepare_tablet(page)
    page.goto(sheet_url(target))
    page.wait_for_selector("#sheet-sent")
    settle(page)
    scoring.reopen_sheet(sent, by=admin_dpmppa, reason="Foto B1 kurang jelas")

    server_requests.clear()
    page.goto(sheet_url(target))
    # The kept copy opens at once (still "terkirim"), then the check finds the change.
    page.wait_for_selector("#app-update:has-text('Versi baru halaman ini tersedia')")
    assert page.is_visible("#sheet-sent")
    assert server_requests == [sheet_url(target)]

    page.click("#app-update-reload")
    page.wait_for_selector("text=Foto B1 kurang jelas")
    page.click("label[for=nilai-B1-2]")
    page.wait_for_selector("#sheet-notice:has-text('tersimpan di perangkat')")
    page.reload()
    page.wait_for_selector("text=dipulihkan dari perangkat ini")
    assert page.is_checked("#nilai-B1-2")
    assert Assessment.objects.get(status="DRAFT").scores.get(indicator__code="B1").value == 1


def test_an_rt_taken_off_the_list_is_offered_and_then_refused_plainly(page, proposals, monkeypatch):
    monkeypatch.setattr(offline, "FRESH_SECONDS", 0)
    target = proposals[1]
    prepare_tablet(page)
    type(target).objects.filter(pk=target.pk).update(team=None)

    page.goto(sheet_url(target))
    page.wait_for_selector("#app-update:has-text('Versi baru halaman ini tersedia')")
    page.click("#app-update-reload")
    page.wait_for_selector("text=RT ini tidak ada dalam daftar tugas Anda")
