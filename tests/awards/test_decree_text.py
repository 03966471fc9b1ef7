"""The decree's default wording: the legal basis in the legal office's formulation, the
funding dictum naming the DPA, and the refusals that keep the text and the fields agreed."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from awards.issuing import create_draft_decree, decree_lampiran, finalise_decree
from awards.models import Decree
from awards.pdf import render_decree_html
from tests import factories


@pytest.fixture
def draft(admin_dpmppa, assessor):
    cycle = factories.make_decided_cycle(
        winners=[("Buluran Kenali", 5, 132)], assessor=assessor, by=admin_dpmppa
    )
    decree = create_draft_decree(cycle=cycle, by=admin_dpmppa)
    decree.signatory_name = "Maulana"
    decree.number = "12 TAHUN 2026"
    decree.decided_on = datetime.date(2026, 11, 29)
    decree.save()
    return decree


def test_default_mengingat_cites_gazette_numbers_and_amendments(draft):
    items = draft.mengingat.splitlines()
    assert len(items) == 4
    uu_23 = items[1]
    assert "(Lembaran Negara Republik Indonesia Tahun 2014 Nomor 244" in uu_23
    assert "Tambahan Lembaran Negara Republik Indonesia Nomor 5587)" in uu_23
    assert "sebagaimana telah beberapa kali diubah, terakhir dengan Undang-Undang Nomor 6" in uu_23
    perwal = items[3]
    assert "sebagaimana telah diubah dengan Peraturan Wali Kota Jambi Nomor 11 Tahun 2019" in perwal
    assert all(item.endswith(";") for item in items)


def test_unknown_gazette_numbers_are_marked_for_the_legal_office_not_invented(draft):
    perda, perwal = draft.mengingat.splitlines()[2:4]
    assert "Lembaran Daerah Kota Jambi Tahun 2019 Nomor …" in perda
    assert "diisi Bagian Hukum" in perda and "diisi Bagian Hukum" in perwal
    assert not re.search(r"(Lembaran|Berita) Daerah Kota Jambi Tahun \d{4} Nomor \d", perwal)


def test_edited_mengingat_prints_one_numbered_item_per_line(draft):
    draft.mengingat = "Undang-Undang Nomor 1 Tahun 2000 tentang Uji;\n2. Peraturan Uji Kedua;"
    html = render_decree_html(draft, lampiran=decree_lampiran(draft))
    assert "Undang-Undang Nomor 1 Tahun 2000 tentang Uji;" in html
    assert "2. Peraturan Uji Kedua" not in html  # the typed number is dropped, not doubled
    assert '<td>2.</td><td class="text">Peraturan Uji Kedua;' in html


def test_funding_dictum_names_the_dpa_of_dpmppa(draft):
    assert draft.budget_source.startswith("Dokumen Pelaksanaan Anggaran (DPA) Dinas")
    assert "Tahun Anggaran 2026" in draft.budget_source
    ketiga = draft.dictums.splitlines()[2]
    assert ketiga.startswith("Segala biaya")
    assert draft.budget_source in ketiga


def test_finalise_refuses_when_the_dpa_field_and_dictum_disagree(draft, admin_dpmppa):
    draft.budget_source = "DPA Badan Lain Tahun Anggaran 2026"
    draft.save()
    with pytest.raises(ValidationError, match="sumber anggaran"):
        finalise_decree(draft, by=admin_dpmppa)
    assert Decree.objects.get(pk=draft.pk).status == "DRAFT"


def test_running_text_writes_tahun_in_lower_case_and_title_in_capitals(draft):
    draft.number = "nomor 412 tahun 2025"
    assert draft.number_in_text() == "412 Tahun 2025"
    assert draft.number_in_title() == "412 TAHUN 2025"
    html = render_decree_html(draft, lampiran=decree_lampiran(draft))
    assert "NOMOR 412 TAHUN 2025" in html
    assert "SK Wali Kota Jambi Nomor 412 Tahun 2025" in html
