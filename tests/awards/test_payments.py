import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from awards.issuing import create_awards
from awards.models import Award
from awards.payments import payments_xlsx, record_payment
from rt_registry.spreadsheets import escape_formula
from tests import factories

PASSWORD = factories.PASSWORD
WINNERS = [
    ("Buluran Kenali", 5, 132, '=HYPERLINK("http://x")'),
    ("Buluran Kenali", 6, 70),
    ("Kenali Asam", 3, 40),
]


@pytest.fixture
def awards(admin_dpmppa, assessor):
    cycle = factories.make_decided_cycle(winners=WINNERS, assessor=assessor, by=admin_dpmppa)
    create_awards(cycle=cycle, by=admin_dpmppa)
    return {a.proposal.rt_number: a for a in Award.objects.select_related("proposal")}


def lock(award):
    cycle = award.cycle
    cycle.is_locked = True
    cycle.save()


def test_record_payment_marks_awards_paid_with_who_and_when(awards, admin_dpmppa):
    count = record_payment(
        awards=[awards[5], awards[6]],
        paid_on=datetime.date(2025, 11, 5),
        reference="SP2D 00123",
        by=admin_dpmppa,
    )
    assert count == 2
    award = Award.objects.get(pk=awards[5].pk)
    assert award.payment_status == "DIBAYAR"
    assert award.paid_on == datetime.date(2025, 11, 5)
    assert award.payment_reference == "SP2D 00123"
    assert award.payment_recorded_by == admin_dpmppa and award.payment_recorded_at
    assert award.history.first().payment_status == "DIBAYAR"
    assert Award.objects.get(pk=awards[3].pk).payment_status == "BELUM"


def test_payments_continue_after_the_decree_locks_the_cycle(awards, admin_dpmppa):
    lock(awards[5])
    record_payment(
        awards=[awards[5]], paid_on=datetime.date(2025, 11, 5), reference="X1", by=admin_dpmppa
    )
    assert Award.objects.get(pk=awards[5].pk).payment_status == "DIBAYAR"


@pytest.mark.parametrize(
    ("paid_on", "reference", "message"),
    [
        (None, "X", "Tanggal bayar wajib"),
        (datetime.date(2999, 1, 1), "X", "masa depan"),
        (datetime.date(2026, 1, 1), "  ", "Referensi pembayaran wajib"),
    ],
)
def test_record_payment_refuses_bad_input_and_changes_nothing(
    awards, admin_dpmppa, paid_on, reference, message
):
    with pytest.raises(ValidationError, match=message):
        record_payment(awards=[awards[5]], paid_on=paid_on, reference=reference, by=admin_dpmppa)
    assert Award.objects.get(pk=awards[5].pk).payment_status == "BELUM"


def test_escape_formula_escapes_formulas_and_empties_none():
    assert escape_formula("=SUM(A1)") == "'=SUM(A1)"
    assert escape_formula("+62 812") == "'+62 812"
    assert escape_formula("-1") == "'-1"
    assert escape_formula("@x") == "'@x"
    assert escape_formula("Siti") == "Siti"
    assert escape_formula(None) == ""


def sheet_rows(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_payments_xlsx_lists_awards_escapes_formulas_and_totals(awards, admin_dpmppa):
    record_payment(
        awards=[awards[6]], paid_on=datetime.date(2025, 11, 5), reference="SP2D-9", by=admin_dpmppa
    )
    rows = sheet_rows(payments_xlsx(Award.objects.all()))
    header = rows[3]
    assert header[:3] == ["No", "Periode", "Nomor SK"]
    body = rows[4:7]
    assert [r[4] for r in body] == ["Kenali Asam", "Buluran Kenali", "Buluran Kenali"]
    assert body[1][6] == '\'=HYPERLINK("http://x")'
    assert [r[10] for r in body] == [5000000, 10000000, 7500000]
    assert body[2][11] == "Dibayar"
    assert body[2][12] == datetime.datetime(2025, 11, 5)  # a date cell the office can sort
    assert body[1][12] is None
    sheet = load_workbook(io.BytesIO(payments_xlsx(Award.objects.all()))).active
    assert sheet.cell(row=7, column=13).number_format == "DD/MM/YYYY"
    # Totals are formulas over the rows; the rows themselves add up to the right money.
    totals = {r[9]: r[10] for r in rows[7:] if r and r[9]}
    assert totals == {
        "Jumlah (3 RT)": "=SUM(K5:K7)",
        "Sudah dibayar": '=SUMIF(L5:L7,"Dibayar",K5:K7)',
        "Belum dibayar": "=K9-K10",
    }
    assert [r[9] for r in rows[8:11]] == ["Jumlah (3 RT)", "Sudah dibayar", "Belum dibayar"]
    assert sum(r[10] for r in body) == 22500000
    assert sum(r[10] for r in body if r[11] == "Dibayar") == 7500000


def test_payments_xlsx_totals_show_in_a_viewer_that_does_not_calculate(awards, admin_dpmppa):
    """A phone's preview shows the stored result of a formula, never computes it: each
    total carries its result beside its formula (read back as openpyxl's data_only)."""
    record_payment(
        awards=[awards[6]], paid_on=datetime.date(2025, 11, 5), reference="SP2D-9", by=admin_dpmppa
    )
    data = payments_xlsx(Award.objects.all())
    shown = load_workbook(io.BytesIO(data), data_only=True).active
    formulas = load_workbook(io.BytesIO(data)).active
    assert [shown.cell(row=r, column=10).value for r in (9, 10, 11)] == [
        "Jumlah (3 RT)",
        "Sudah dibayar",
        "Belum dibayar",
    ]
    assert [shown.cell(row=r, column=11).value for r in (9, 10, 11)] == [
        22500000,
        7500000,
        15000000,
    ]
    assert formulas["K9"].value == "=SUM(K5:K7)" and formulas["K11"].value == "=K9-K10"
    assert formulas["K9"].number_format == "#,##0"


@pytest.mark.django_db
def test_payments_xlsx_totals_of_an_empty_list_are_zero():
    shown = load_workbook(io.BytesIO(payments_xlsx(Award.objects.none())), data_only=True).active
    assert [shown.cell(row=r, column=11).value for r in (6, 7, 8)] == [0, 0, 0]


def test_payments_xlsx_uses_a_constant_number_of_queries(admin_dpmppa, assessor):
    counts = []
    for year, size in ((2024, 1), (2025, 8)):
        cycle = factories.make_decided_cycle(
            year=year,
            winners=[("Pasir Putih", year % 100 * 100 + n, 60) for n in range(size)],
            assessor=assessor,
            by=admin_dpmppa,
        )
        create_awards(cycle=cycle, by=admin_dpmppa)
        with CaptureQueriesContext(connection) as queries:
            payments_xlsx(Award.objects.filter(cycle=cycle))
        counts.append(len(queries))
    assert counts[0] == counts[1] == 2


# --- Admin ------------------------------------------------------------------------------


def changelist(client):
    return client.get(reverse("admin:awards_award_changelist"))


def test_admin_marks_awards_paid_through_the_intermediate_form(client, awards, admin_dpmppa):
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_award_changelist")
    ids = [str(awards[5].pk), str(awards[3].pk)]
    page = client.post(url, {"action": "mark_paid", "_selected_action": ids})
    assert page.status_code == 200
    assert "Simpan pembayaran" in page.content.decode()
    assert Award.objects.filter(payment_status="DIBAYAR").count() == 0
    done = client.post(
        url,
        {
            "action": "mark_paid",
            "_selected_action": ids,
            "apply": "1",
            "paid_on": "05/11/2025",  # day-first: 5 November
            "payment_reference": "SP2D 777",
        },
    )
    assert done.status_code == 302
    paid = Award.objects.filter(payment_status="DIBAYAR")
    assert {a.pk for a in paid} == {awards[5].pk, awards[3].pk}
    assert all(a.paid_on == datetime.date(2025, 11, 5) for a in paid)
    assert all(a.payment_recorded_by == admin_dpmppa for a in paid)


def test_admin_mark_paid_with_a_bad_date_changes_nothing(client, awards, admin_dpmppa):
    client.force_login(admin_dpmppa)
    page = client.post(
        reverse("admin:awards_award_changelist"),
        {
            "action": "mark_paid",
            "_selected_action": [awards[5].pk],
            "apply": "1",
            "paid_on": "31/02/2026",
            "payment_reference": "SP2D",
        },
    )
    assert page.status_code == 200
    assert "tanggal itu tidak ada di kalender" in page.content.decode()
    assert not Award.objects.filter(payment_status="DIBAYAR").exists()


def test_admin_payment_edit_with_an_impossible_date_explains_and_changes_nothing(
    client, awards, admin_dpmppa
):
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_award_change", args=[awards[6].pk])

    refused = client.post(
        url, {"payment_status": "DIBAYAR", "paid_on": "31/02/2026", "payment_reference": "K-1"}
    )

    assert refused.status_code == 200
    assert "tanggal itu tidak ada di kalender" in refused.content.decode()
    award = Award.objects.get(pk=awards[6].pk)
    assert award.payment_status == "BELUM"
    assert award.payment_reference == ""


def test_admin_payment_edit_records_who_and_refuses_paid_without_date(client, awards, admin_dpmppa):
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_award_change", args=[awards[6].pk])
    refused = client.post(
        url, {"payment_status": "DIBAYAR", "paid_on": "", "payment_reference": ""}
    )
    assert refused.status_code == 200
    assert "Isi tanggal bayar" in refused.content.decode()
    saved = client.post(
        url, {"payment_status": "DIBAYAR", "paid_on": "01/12/2025", "payment_reference": "K-1"}
    )
    assert saved.status_code == 302
    award = Award.objects.get(pk=awards[6].pk)
    assert award.paid_on == datetime.date(2025, 12, 1)
    assert award.payment_recorded_by == admin_dpmppa


def test_admin_cannot_change_prize_or_category_of_an_award(client, awards, admin_dpmppa):
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_award_change", args=[awards[6].pk])
    client.post(
        url,
        {
            "payment_status": "BELUM",
            "paid_on": "",
            "payment_reference": "",
            "prize_amount": "99",
            "size_category": "BESAR",
        },
    )
    award = Award.objects.get(pk=awards[6].pk)
    assert award.prize_amount == Decimal("7500000") and award.size_category == "SEDANG"


def test_kelurahan_officer_sees_only_awards_of_their_kelurahan(client, awards, kelurahan_officer):
    client.force_login(kelurahan_officer)
    page = changelist(client)
    assert page.status_code == 200
    shown = {a.pk for a in page.context["cl"].result_list}
    assert shown == {awards[5].pk, awards[6].pk}


def test_officer_cannot_open_an_award_outside_their_scope(client, awards, kelurahan_officer):
    client.force_login(kelurahan_officer)
    page = client.get(reverse("admin:awards_award_change", args=[awards[3].pk]))
    assert page.status_code == 404


def test_officer_may_view_but_not_record_payments(client, awards, kecamatan_officer):
    client.force_login(kecamatan_officer)
    url = reverse("admin:awards_award_change", args=[awards[5].pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"payment_status": "DIBAYAR", "paid_on": "01/12/2025", "payment_reference": "K"}
    )
    assert response.status_code == 403
    action = client.post(
        reverse("admin:awards_award_changelist"),
        {
            "action": "mark_paid",
            "_selected_action": [awards[5].pk],
            "apply": "1",
            "paid_on": "01/12/2025",
            "payment_reference": "K",
        },
    )
    assert action.status_code in (200, 302, 403)
    assert Award.objects.get(pk=awards[5].pk).payment_status == "BELUM"


def test_officer_xlsx_export_holds_only_their_scope(client, awards, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = client.post(
        reverse("admin:awards_award_changelist"),
        {"action": "download_payments", "_selected_action": [a.pk for a in awards.values()]},
    )
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    kelurahan = {r[4] for r in rows[4:] if r[0] and isinstance(r[0], int)}
    assert kelurahan == {"Buluran Kenali"}


def test_payments_xlsx_never_cites_a_revoking_decree_as_the_basis(awards, admin_dpmppa):
    cycle = awards[5].cycle
    old = factories.make_decree(cycle=cycle, status="REVOKED", number="188 TAHUN 2025")
    factories.make_decree(cycle=cycle, number="201 TAHUN 2025", amends=old, correction="MENCABUT")

    rows = sheet_rows(payments_xlsx(Award.objects.all()))

    assert {r[2] for r in rows[4:7]} == {None}


def test_payments_xlsx_cites_the_amending_decree_in_force(awards, admin_dpmppa):
    cycle = awards[5].cycle
    old = factories.make_decree(cycle=cycle, number="188 TAHUN 2025")
    factories.make_decree(cycle=cycle, number="201 TAHUN 2025", amends=old, correction="MENGUBAH")

    rows = sheet_rows(payments_xlsx(Award.objects.all()))

    assert {r[2] for r in rows[4:7]} == {"201 TAHUN 2025"}


def test_record_payment_never_overwrites_an_earlier_payment(awards, admin_dpmppa):
    record_payment(
        awards=[awards[6]], paid_on=datetime.date(2025, 11, 5), reference="SP2D-1", by=admin_dpmppa
    )

    with pytest.raises(ValidationError, match="sudah dibayar: RT 06 .*SP2D-1"):
        record_payment(
            awards=[awards[5], awards[6]],
            paid_on=datetime.date(2025, 12, 1),
            reference="SP2D-2",
            by=admin_dpmppa,
        )

    assert Award.objects.get(pk=awards[6].pk).payment_reference == "SP2D-1"
    assert Award.objects.get(pk=awards[5].pk).payment_status == "BELUM"


def test_paid_date_before_the_decree_is_refused_and_changes_nothing(client, awards, admin_dpmppa):
    cycle = awards[5].cycle
    old = factories.make_decree(
        cycle=cycle, number="188 TAHUN 2025", decided_on=datetime.date(2025, 8, 11)
    )
    factories.make_decree(
        cycle=cycle,
        number="201 TAHUN 2025",
        decided_on=datetime.date(2025, 10, 1),
        amends=old,
        correction="MENGUBAH",
    )

    with pytest.raises(ValidationError, match="lebih awal dari SK Nomor 188 TAHUN 2025"):
        record_payment(
            awards=[awards[5]], paid_on=datetime.date(2024, 8, 20), reference="S", by=admin_dpmppa
        )
    client.force_login(admin_dpmppa)
    url = reverse("admin:awards_award_change", args=[awards[6].pk])
    refused = client.post(
        url, {"payment_status": "DIBAYAR", "paid_on": "20/08/2024", "payment_reference": "K-1"}
    )
    # Paid between the SK and its later amendment: fine.
    record_payment(
        awards=[awards[5]], paid_on=datetime.date(2025, 9, 2), reference="S", by=admin_dpmppa
    )

    assert "lebih awal dari SK Nomor 188 TAHUN 2025" in refused.content.decode()
    assert Award.objects.get(pk=awards[6].pk).payment_status == "BELUM"
    assert Award.objects.get(pk=awards[5].pk).paid_on == datetime.date(2025, 9, 2)


def test_payments_xlsx_prints_landscape_one_page_wide_with_filter_and_header(awards):
    sheet = load_workbook(io.BytesIO(payments_xlsx(Award.objects.all()))).active
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.freeze_panes == "A5"
    assert sheet.auto_filter.ref == "A4:O7"
