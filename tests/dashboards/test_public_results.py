"""Public results (/hasil/) come from the decree in force only, with no personal data;
the self-check (/cek-mandiri/) stores nothing and ships its own service worker."""

import csv
import io

import pytest
from django.urls import reverse

from rt_registry.models import RT
from tests import factories

pytestmark = pytest.mark.django_db

KETUA = "Bapak Rahasia Sekali"
PHONE = "081299998888"


def winning_cycle(*, year=2025, decree_status="FINAL", tier="BANTAR"):
    cycle = factories.make_cycle(year=year, stage="DITETAPKAN")
    rt = RT.objects.filter(kelurahan__name="Buluran Kenali", number=5).first()
    rt = rt or factories.make_rt(
        kelurahan="Buluran Kenali", number=5, kk_count=132, ketua_name=KETUA, phone=PHONE
    )
    proposal = factories.make_proposal(cycle=cycle, rt=rt, status="DIVERIFIKASI")
    award = factories.make_award(proposal=proposal, tier=tier)
    decree = factories.make_decree(cycle=cycle, status=decree_status)
    return cycle, award, decree


def results_url(cycle):
    return reverse("dashboards:results-cycle", args=[cycle.year, cycle.period])


def test_results_show_winners_totals_and_the_decree_link(client):
    cycle, award, decree = winning_cycle()

    response = client.get(results_url(cycle))

    assert response.status_code == 200
    text = response.text
    assert "Kecamatan Telanaipura" in text and "Buluran Kenali" in text and "RT 05" in text
    assert "Rp 10.000.000" in text  # Besar prize, also the total
    assert reverse("awards:verify", args=[decree.verification_code]) in text
    # Running text cites the decree as "Nomor 188 Tahun 2024", whatever case it was typed in.
    assert f"Nomor {decree.number_in_text()}" in text and " Tahun " in decree.number_in_text()
    assert response.context["totals"]["count"] == 1


def test_nothing_is_public_before_the_decree_is_final(client):
    cycle, _, _ = winning_cycle(decree_status="DRAFT")

    assert client.get(results_url(cycle)).status_code == 404
    assert client.get(reverse("dashboards:results-csv", args=[2025, 1])).status_code == 404
    index = client.get(reverse("dashboards:results"))
    assert str(cycle) not in index.text
    assert "Buluran Kenali" not in index.text


def test_nothing_is_public_of_a_revoked_decree(client):
    cycle, _, decree = winning_cycle()
    factories.make_decree(cycle=cycle, number="9 TAHUN 2025", amends=decree, correction="MENCABUT")
    decree.status = "REVOKED"
    decree.save()

    response = client.get(results_url(cycle))

    assert response.status_code == 404
    assert "dicabut" in response.text
    assert str(cycle) not in client.get(reverse("dashboards:results")).text


def test_an_amending_decree_keeps_the_results_public(client):
    cycle, _, decree = winning_cycle()
    amending = factories.make_decree(
        cycle=cycle, number="10 TAHUN 2025", amends=decree, correction="MENGUBAH"
    )
    response = client.get(results_url(cycle))
    assert response.status_code == 200
    assert response.context["decree"] == amending


def test_no_personal_data_on_any_public_page_or_the_csv(client):
    cycle, award, _ = winning_cycle()
    pages = [
        reverse("dashboards:results"),
        results_url(cycle),
        reverse("dashboards:results-csv", args=[cycle.year, cycle.period]),
        reverse("dashboards:results-kelurahan", args=[award.rt.kelurahan_id]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert KETUA not in body, url
        assert PHONE not in body, url


def test_winners_csv_is_open_data_with_formulas_escaped(client):
    cycle, award, decree = winning_cycle()
    decree_number = "=1+1 TAHUN 2025"
    from awards.models import Decree

    Decree.objects.filter(pk=decree.pk).update(number=decree_number)

    response = client.get(reverse("dashboards:results-csv", args=[cycle.year, cycle.period]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:5] == ["tahun", "periode", "kecamatan", "kelurahan", "rt"]
    assert rows[1][:8] == [
        "2025",
        "1",
        "Telanaipura",
        "Buluran Kenali",
        "05",
        "Besar",
        "Kampung BANTAR",
        "10000000",
    ]
    assert rows[1][8] == "'" + decree_number


def test_kencana_winner_is_marked_and_listed(client):
    cycle, _, _ = winning_cycle(tier="KENCANA")

    index = client.get(reverse("dashboards:results"))
    page = client.get(results_url(cycle))

    assert [a.proposal.rt_number for a in index.context["kencana"]] == [5]
    assert "Kencana" in page.text and len(page.context["kencana"]) == 1


def test_kelurahan_page_lists_wins_over_the_years_with_the_streak(client):
    awards = []
    for year in (2023, 2024, 2025):
        _, award, _ = winning_cycle(year=year)
        awards.append(award)
    # A later cycle without a final decree changes nothing.
    factories.make_cycle(year=2026, stage="PENILAIAN")

    response = client.get(reverse("dashboards:results-kelurahan", args=[awards[0].rt.kelurahan_id]))

    [row] = response.context["rows"]
    assert row["number"] == 5 and row["count"] == 3 and row["streak"] == 3
    assert "3× berturut-turut" in response.text


# --- Self-check --------------------------------------------------------------------------


def test_self_check_embeds_indicators_and_the_current_rule_and_posts_nothing(client):
    factories.make_cycle(year=2026, stage="USULAN", pass_min_total_pct=75)

    response = client.get(reverse("dashboards:self-check"))

    text = response.text
    assert response.status_code == 200
    assert 'id="self-check-rule"' in text and '"min_total_pct": 75.0' in text
    assert text.count('name="nilai-') == 21 * 3
    assert 'method="post"' not in text.lower()
    assert "tidak ada yang dikirim atau disimpan" in text


def test_self_check_service_worker_is_scoped_and_lists_the_page(client):
    response = client.get(reverse("dashboards:self-check-sw"))

    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/cek-mandiri/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert "/static/js/self-check.js" in body
    assert 'const URLS = ["/cek-mandiri/", ' in body  # the page itself first
