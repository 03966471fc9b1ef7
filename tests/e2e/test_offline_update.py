"""A new version of the offline app (a changed static file: a new service worker and static
cache) arrives while a sheet is open with answers not yet saved: the open sheet keeps its
worker, its answers and its saves; the new version is offered ("Versi baru aplikasi") and
takes over on the next page, dropping the old static cache."""

import pytest

from assessments import offline
from assessments.models import Assessment
from tests.e2e.test_offline import prepare_tablet

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NEW_VERSION = "feedfacecafe"

STATIC_CACHES = "async () => (await caches.keys()).filter(k => k.startsWith('bantar-static-'))"
WORKER_VERSION = """async () => {
  await navigator.serviceWorker.ready;
  return await new Promise((resolve) => {
    navigator.serviceWorker.addEventListener('message', (e) => resolve(e.data.bantarWorker),
      {once: true});
    navigator.serviceWorker.controller.postMessage('version');
  });
}"""


def wait_for_worker(page, version, tries=50):
    """The controlling worker's version, polled until it is `version` (or tries run out)."""
    seen = None
    for _ in range(tries):
        seen = page.evaluate(WORKER_VERSION)
        if seen == version:
            break
        page.wait_for_timeout(200)
    return seen


def test_new_app_version_waits_while_a_sheet_is_open_and_takes_over_on_the_next_page(
    browser_context, page, proposals, monkeypatch
):
    prepare_tablet(page)
    target = proposals[0]
    page.goto(f"/penilaian/{target.pk}/")
    page.wait_for_selector("fieldset[data-indicator]")
    old_version = page.evaluate(WORKER_VERSION)
    assert page.evaluate(STATIC_CACHES) == [f"bantar-static-{old_version}"]
    page.evaluate(
        "() => { window.controllerChanges = 0; navigator.serviceWorker.addEventListener("
        "'controllerchange', () => { window.controllerChanges += 1; }); }"
    )
    page.click("label[for=nilai-B1-2]")
    page.click("label[for=nilai-B2-0]")

    # A deploy changes a static file: the server now serves a new worker.
    monkeypatch.setattr(offline, "app_version", lambda: NEW_VERSION)
    browser_context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.evaluate("async () => { await (await navigator.serviceWorker.ready).update(); }")
    page.wait_for_selector("#app-update:has-text('Versi baru aplikasi penilaian tersedia')")

    # Installed beside the old one, waiting: the open sheet still has its own worker.
    assert sorted(page.evaluate(STATIC_CACHES)) == sorted(
        [f"bantar-static-{old_version}", f"bantar-static-{NEW_VERSION}"]
    )
    assert page.evaluate("async () => !!(await navigator.serviceWorker.ready).waiting")
    assert page.evaluate(WORKER_VERSION) == old_version
    # The sheet keeps working: more answers, the totals, a draft saved to the server.
    page.click("label[for=nilai-B3-1]")
    assert page.text_content("#answered") == "3"
    assert page.is_checked("#nilai-B1-2") and page.is_checked("#nilai-B2-0")
    page.click("#save-draft")
    page.wait_for_selector("#sheet-notice.alert-success")
    assert page.evaluate("window.controllerChanges") == 0
    draft = Assessment.objects.get()
    assert {s.indicator.code: s.value for s in draft.scores.select_related("indicator")} == {
        "B1": 2,
        "B2": 0,
        "B3": 1,
    }

    # The next page is the new version's; the old static cache is gone, nothing is lost.
    page.goto("/penilaian/")
    page.wait_for_selector("#offline-panel[data-prepared]")
    page.wait_for_function(
        "async (v) => (await caches.keys()).includes('bantar-static-' + v) && "
        "(await caches.keys()).filter(k => k.startsWith('bantar-static-')).length === 1",
        arg=NEW_VERSION,
    )
    # The new worker deletes the old cache, then claims the page: wait for the claim.
    assert wait_for_worker(page, NEW_VERSION) == NEW_VERSION
    page.goto(f"/penilaian/{target.pk}/")
    page.wait_for_selector("fieldset[data-indicator]")
    assert page.is_checked("#nilai-B1-2") and page.is_checked("#nilai-B3-1")
    # The stylesheet came from the new static cache: the score buttons keep their size.
    assert page.locator("label[for=nilai-B1-2]").bounding_box()["height"] >= 44
