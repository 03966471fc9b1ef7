from tests import factories
from tests.e2e.conftest import login


def test_kelurahan_officer_logs_in_and_reaches_admin(page, kelurahan_officer):
    login(page, "kel.uji", factories.PASSWORD)
    page.wait_for_url("**/dasbor/")  # officers land on the dashboard of their area
    assert "Dasbor Kampung BANTAR – Kelurahan Buluran Kenali" in page.content()
