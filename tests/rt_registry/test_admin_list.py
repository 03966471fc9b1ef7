"""The RT list officers work from: category column and filter, ordering, search, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rt_registry.admin import size_category_q
from rt_registry.models import RT, SizeCategory, size_category_for
from tests import factories

LIST_URL = reverse("admin:rt_registry_rt_changelist")
BOUNDARIES = [(1, "Kecil"), (49, "Kecil"), (50, "Sedang"), (100, "Sedang"), (101, "Besar")]


@pytest.fixture
def boundary_rts(db):
    return {
        kk: factories.make_rt(kelurahan="Buluran Kenali", number=i, kk_count=kk)
        for i, (kk, _) in enumerate(BOUNDARIES, start=1)
    }


def listed(client, **params):
    return list(client.get(LIST_URL, params).context["cl"].result_list)


@pytest.mark.django_db
def test_category_column_shows_kecil_sedang_besar_at_the_boundaries(
    client, kelurahan_officer, boundary_rts
):
    client.force_login(kelurahan_officer)

    response = client.get(LIST_URL)

    shown = {
        rt.kk_count: response.context["cl"].model_admin.size_category_label(rt)
        for rt in response.context["cl"].result_list
    }
    assert shown == dict(BOUNDARIES)
    assert "Sedang" in response.content.decode()


@pytest.mark.parametrize(
    ("category", "kk_counts"),
    [("KECIL", [1, 49]), ("SEDANG", [50, 100]), ("BESAR", [101])],
)
@pytest.mark.django_db
def test_category_filter_selects_kk_ranges_in_the_database(
    client, kelurahan_officer, boundary_rts, category, kk_counts
):
    client.force_login(kelurahan_officer)

    rows = listed(client, kategori=category)

    assert sorted(rt.kk_count for rt in rows) == kk_counts


@pytest.mark.parametrize(("kecil_below", "besar_above"), [(50, 100), (30, 150), (10, 10)])
@pytest.mark.django_db
def test_category_filter_and_python_rule_agree_for_any_thresholds(kecil_below, besar_above):
    kk_counts = [1, 9, 10, 11, 29, 30, 49, 50, 51, 99, 100, 101, 149, 150, 151, 500]
    for number, kk in enumerate(kk_counts, start=1):
        factories.make_rt(kelurahan="Buluran Kenali", number=number, kk_count=kk)
    thresholds = {"kecil_below": kecil_below, "besar_above": besar_above}

    for category in SizeCategory:
        in_db = set(
            RT.objects.filter(size_category_q(category, **thresholds)).values_list(
                "kk_count", flat=True
            )
        )
        in_python = {kk for kk in kk_counts if size_category_for(kk, **thresholds) == category}
        assert in_db == in_python, category


@pytest.mark.django_db
def test_list_orders_by_kecamatan_kelurahan_and_rt_number_numerically(client, admin_dpmppa):
    for number in (10, 2, 1):
        factories.make_rt(kelurahan="Buluran Kenali", number=number)
    factories.make_rt(kelurahan="Simpang IV Sipin", number=20)
    factories.make_rt(kelurahan="Pasir Putih", number=1)  # Kecamatan Jambi Selatan
    client.force_login(admin_dpmppa)

    rows = listed(client)

    assert [(rt.kelurahan.name, rt.number) for rt in rows] == [
        ("Simpang IV Sipin", 20),
        ("Buluran Kenali", 1),
        ("Buluran Kenali", 2),
        ("Buluran Kenali", 10),
        ("Pasir Putih", 1),
    ]


@pytest.mark.parametrize(
    ("term", "numbers"),
    [("5", [5]), ("05", [5]), ("RT 05", [5]), ("rt5", [5]), ("Buluran 10", [10]), ("Siti", [10])],
)
@pytest.mark.django_db
def test_search_by_rt_number_kelurahan_or_ketua(client, admin_dpmppa, term, numbers):
    factories.make_rt(kelurahan="Buluran Kenali", number=5, ketua_name="Budi")
    factories.make_rt(kelurahan="Buluran Kenali", number=10, ketua_name="Siti Aminah")
    factories.make_rt(kelurahan="Kenali Asam", number=50, ketua_name="Joko")
    client.force_login(admin_dpmppa)

    rows = listed(client, q=term)

    assert sorted(rt.number for rt in rows) == numbers


@pytest.mark.django_db
def test_search_by_kelurahan_name(client, admin_dpmppa):
    factories.make_rt(kelurahan="Buluran Kenali", number=5)
    factories.make_rt(kelurahan="Kenali Asam", number=7)
    client.force_login(admin_dpmppa)

    assert [rt.number for rt in listed(client, q="kenali asam")] == [7]


def count_list_queries(client, rts, *, start):
    for number in range(start, start + rts):
        factories.make_rt(kelurahan="Buluran Kenali", number=number)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST_URL).status_code == 200
    return len(ctx)


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(client, kelurahan_officer):
    client.force_login(kelurahan_officer)

    small = count_list_queries(client, 3, start=1)
    large = count_list_queries(client, 40, start=100)

    assert small == large


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def add_reference_rows(*, kecamatan, kelurahan_each):
    """More rows on both reference lists, each with RTs to count: a per-row count query
    would grow with them."""
    for k in range(1, kecamatan + 1):
        kec = factories.make_kecamatan(code=f"99.{k:02d}", name=f"Kecamatan Uji {k}")
        for j in range(1, kelurahan_each + 1):
            kel = factories.make_kelurahan(
                kecamatan=kec, code=f"99.{k:02d}.{j:04d}", name=f"Kelurahan Uji {k}-{j}"
            )
            factories.make_rt(kelurahan=kel, number=1)
            factories.make_rt(kelurahan=kel, number=2)


@pytest.mark.django_db
def test_reference_lists_query_count_does_not_grow_with_rows(client, admin_dpmppa):
    client.force_login(admin_dpmppa)
    kelurahan_url = reverse("admin:rt_registry_kelurahan_changelist")
    kecamatan_url = reverse("admin:rt_registry_kecamatan_changelist")
    factories.make_rt(kelurahan="Buluran Kenali", number=1)
    small_rows = (
        len(client.get(kelurahan_url).context["cl"].result_list),
        len(client.get(kecamatan_url).context["cl"].result_list),
    )
    small = (count_queries(client, kelurahan_url), count_queries(client, kecamatan_url))

    add_reference_rows(kecamatan=3, kelurahan_each=2)
    large_rows = (
        len(client.get(kelurahan_url).context["cl"].result_list),
        len(client.get(kecamatan_url).context["cl"].result_list),
    )
    large = (count_queries(client, kelurahan_url), count_queries(client, kecamatan_url))

    # The page lists more rows at the larger size (not only more RTs behind the same rows).
    assert large_rows == (small_rows[0] + 6, small_rows[1] + 3)
    assert large == small


@pytest.mark.django_db
def test_reference_lists_show_counts(client, admin_dpmppa):
    factories.make_rt(kelurahan="Buluran Kenali", number=1)
    factories.make_rt(kelurahan="Buluran Kenali", number=2)
    client.force_login(admin_dpmppa)

    kelurahan = client.get(reverse("admin:rt_registry_kelurahan_changelist"), {"q": "Buluran"})
    kecamatan = client.get(reverse("admin:rt_registry_kecamatan_changelist"), {"q": "Telanaipura"})

    assert [k.n_rt for k in kelurahan.context["cl"].result_list] == [2]
    assert [(k.n_kelurahan, k.n_rt) for k in kecamatan.context["cl"].result_list] == [(7, 2)]


@pytest.mark.django_db
def test_rt_list_page_is_indonesian(client, kelurahan_officer, rt_in_scope):
    client.force_login(kelurahan_officer)

    page = client.get(LIST_URL).content.decode()

    assert "RT 05" in page
    assert "Impor" in page and "Ekspor" in page
    assert "Cari nama Ketua RT" in page


@pytest.mark.parametrize(
    ("persona", "title", "hidden_columns"),
    [
        ("kelurahan_officer", "RT Kelurahan Buluran Kenali", {"kelurahan_name", "kecamatan_name"}),
        ("kecamatan_officer", "RT Kecamatan Telanaipura", {"kecamatan_name"}),
        ("admin_dpmppa", "RT Kota Jambi", set()),
    ],
)
@pytest.mark.django_db
def test_list_title_names_the_scope_and_drops_columns_with_one_value(
    client, request, rt_in_scope, persona, title, hidden_columns
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(LIST_URL)

    assert f"<h1>{title}</h1>" in response.content.decode()
    columns = set(response.context["cl"].list_display)
    assert not columns & hidden_columns
    assert {"kelurahan_name", "kecamatan_name"} - hidden_columns <= columns


@pytest.mark.django_db
def test_view_only_kecamatan_officer_is_offered_no_actions(client, kecamatan_officer):
    client.force_login(kecamatan_officer)

    response = client.get(LIST_URL)

    assert response.context["cl"].model_admin.get_actions(response.wsgi_request) == {}
