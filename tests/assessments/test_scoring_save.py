"""Saving and sending a sheet from the tablet: the JSON endpoint and the domain rules."""

import contextlib
import datetime
import json
import uuid

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import scoring
from assessments.models import (
    Assessment,
    ConflictOfInterest,
    Indicator,
    IndicatorSet,
    Score,
)
from rt_registry import roles
from tests import factories

VISIT = "2026-11-02"


@pytest.fixture
def cycle(db):
    return factories.make_cycle(stage="PENILAIAN")


@pytest.fixture
def colleague(db):
    return factories.make_user(username="penilai.dua", role=roles.TIM_PENILAI, agency="DLH")


@pytest.fixture
def proposal(cycle, assessor, colleague, rt_in_scope):
    team = factories.make_team(cycle=cycle, members=[assessor, colleague])
    return factories.make_proposal(cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team)


@pytest.fixture
def assessor_client(client, assessor):
    client.force_login(assessor)
    return client


def indicators_of(cycle):
    return list(Indicator.objects.filter(indicator_set=cycle.indicator_set).order_by("order"))


def payload(cycle, *, token, action="draft", values=None, notes=None, visit_date=VISIT, note=""):
    if values is None:
        values = {i.pk: 2 for i in indicators_of(cycle)}
    notes = notes or {}
    return {
        "client_token": str(token),
        "action": action,
        "visit_date": visit_date,
        "general_note": note,
        "scores": [
            {"indicator": pk, "value": value, "note": notes.get(pk, "")}
            for pk, value in values.items()
        ],
    }


def post(client, proposal, data):
    raw = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(
        reverse("assessments:scoring-save", args=[proposal.pk]),
        data=raw,
        content_type="application/json",
    )


def some_values(cycle, count, value=1):
    return {i.pk: value for i in indicators_of(cycle)[:count]}


def snapshot():
    """Everything a refused request must leave untouched."""
    return (
        list(Assessment.objects.order_by("pk").values()),
        list(Score.objects.order_by("pk").values()),
    )


# --- saving and sending ---------------------------------------------------------------


def test_assessor_saves_a_partial_draft(assessor_client, proposal, cycle, assessor):
    token = uuid.uuid4()
    response = post(
        assessor_client, proposal, payload(cycle, token=token, values=some_values(cycle, 5))
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] is True
    assert answer["client_token"] == str(token)
    assert answer["status"] == "DRAFT"
    sheet = Assessment.objects.get()
    assert (sheet.proposal, sheet.assessor, sheet.client_token) == (proposal, assessor, token)
    assert sheet.scores.count() == 5
    assert sheet.visit_date == datetime.date(2026, 11, 2)


def test_saving_the_draft_again_updates_the_same_sheet(assessor_client, proposal, cycle):
    token = uuid.uuid4()
    post(assessor_client, proposal, payload(cycle, token=token, values=some_values(cycle, 5)))
    first = indicators_of(cycle)[0]
    response = post(
        assessor_client,
        proposal,
        payload(cycle, token=token, values={first.pk: 0}, notes={first.pk: "Selokan tersumbat"}),
    )
    assert response.status_code == 200
    sheet = Assessment.objects.get()
    # The whole sheet is replaced: indicators left out of the save are no longer scored.
    assert [(s.indicator_id, s.value, s.note) for s in sheet.scores.all()] == [
        (first.pk, 0, "Selokan tersumbat")
    ]


def test_send_with_all_indicators_marks_the_sheet_sent(assessor_client, proposal, cycle):
    token = uuid.uuid4()
    post(assessor_client, proposal, payload(cycle, token=token, values=some_values(cycle, 3)))
    response = post(assessor_client, proposal, payload(cycle, token=token, action="send"))
    assert response.status_code == 200
    assert response.json()["status"] == "SENT"
    sheet = Assessment.objects.get()
    assert sheet.status == Assessment.Status.SENT
    assert sheet.sent_at is not None
    assert sheet.scores.count() == 21
    assert response.json()["total"] == 42


def test_repeated_send_is_answered_like_the_first_and_makes_one_assessment(
    assessor_client, proposal, cycle
):
    data = payload(cycle, token=uuid.uuid4(), action="send")
    first = post(assessor_client, proposal, data)
    sheet_before = snapshot()
    second = post(assessor_client, proposal, data)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert Assessment.objects.count() == 1
    assert snapshot() == sheet_before


def test_repeated_send_with_different_answers_is_refused_and_keeps_the_first(
    assessor_client, proposal, cycle
):
    token = uuid.uuid4()
    post(assessor_client, proposal, payload(cycle, token=token, action="send"))
    before = snapshot()
    values = {i.pk: 0 for i in indicators_of(cycle)}

    response = post(
        assessor_client, proposal, payload(cycle, token=token, action="send", values=values)
    )

    # Not "terkirim": the tablet would drop answers the server does not have.
    assert_refused(
        response, 409, "sudah terkirim sebelumnya dengan jawaban yang berbeda", code="token_reused"
    )
    assert "tetap tersimpan di perangkat ini" in response.json()["errors"][0]
    assert snapshot() == before
    assert sum(Score.objects.values_list("value", flat=True)) == 42


@pytest.mark.parametrize(
    "change",
    [
        {"visit_date": "2026-11-01"},
        {"note": "Catatan umum yang lain"},
        {"notes": "first"},
        {"values": "one fewer"},
    ],
    ids=["visit_date", "general_note", "indicator_note", "fewer_scores"],
)
def test_repeated_send_differing_in_any_answer_is_refused(assessor_client, proposal, cycle, change):
    token = uuid.uuid4()
    post(assessor_client, proposal, payload(cycle, token=token, action="send"))
    before = snapshot()
    first = indicators_of(cycle)[0]
    kwargs = dict(change)
    if kwargs.get("notes") == "first":
        kwargs["notes"] = {first.pk: "Selokan tersumbat"}
    if kwargs.get("values") == "one fewer":
        kwargs["values"] = {i.pk: 2 for i in indicators_of(cycle)[1:]}

    response = post(assessor_client, proposal, payload(cycle, token=token, action="send", **kwargs))

    assert_refused(response, 409, "jawaban yang berbeda")
    assert snapshot() == before


def test_repeated_send_with_the_same_notes_is_answered_like_the_first(
    assessor_client, proposal, cycle
):
    first = indicators_of(cycle)[0]
    # Stored notes are trimmed; the tablet sends them as typed.
    data = payload(
        cycle,
        token=uuid.uuid4(),
        action="send",
        notes={first.pk: " Selokan tersumbat "},
        note="Bersih ",
    )
    answer = post(assessor_client, proposal, data)
    before = snapshot()

    again = post(assessor_client, proposal, data)

    assert again.status_code == 200
    assert again.json() == answer.json()
    assert snapshot() == before


def test_draft_saved_with_a_new_token_takes_over_the_existing_draft(
    assessor_client, proposal, cycle
):
    old, new = uuid.uuid4(), uuid.uuid4()
    post(assessor_client, proposal, payload(cycle, token=old, values=some_values(cycle, 2)))
    response = post(
        assessor_client, proposal, payload(cycle, token=new, values=some_values(cycle, 4))
    )
    assert response.status_code == 200
    assert response.json()["client_token"] == str(new)
    sheet = Assessment.objects.get()
    assert sheet.client_token == new
    assert sheet.scores.count() == 4


def test_domain_functions_save_and_send(proposal, cycle, assessor):
    token = uuid.uuid4()
    values = {i.pk: 1 for i in indicators_of(cycle)}
    draft = scoring.save_sheet(
        proposal=proposal, assessor=assessor, client_token=token, values=values
    )
    sent = scoring.send_sheet(
        proposal=proposal,
        assessor=assessor,
        client_token=token,
        values=values,
        visit_date=datetime.date(2026, 11, 2),
    )
    assert draft.pk == sent.pk
    assert sent.status == Assessment.Status.SENT


def test_a_failure_while_writing_leaves_nothing_behind(proposal, cycle, assessor, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(Score.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        scoring.save_sheet(
            proposal=proposal,
            assessor=assessor,
            client_token=uuid.uuid4(),
            values=some_values(cycle, 3),
        )
    assert Assessment.objects.count() == 0


# --- refusals: a clear message and nothing written -------------------------------------


@pytest.fixture
def existing_draft(proposal, cycle, assessor):
    token = uuid.uuid4()
    scoring.save_sheet(
        proposal=proposal, assessor=assessor, client_token=token, values=some_values(cycle, 3)
    )
    return token


def assert_refused(response, status, words, code=None):
    """A refusal the tablet can tell apart: its status, its `code` (when given) and an
    Indonesian `message` made of the errors."""
    assert response.status_code == status
    answer = response.json()
    assert answer["ok"] is False
    assert any(words.lower() in e.lower() for e in answer["errors"]), answer["errors"]
    assert answer["message"] == " ".join(answer["errors"])
    if code is not None:
        assert answer["code"] == code


@pytest.mark.parametrize("bad", [3, -1, "2", True, 1.5, None])
def test_score_outside_0_1_2_is_refused(assessor_client, proposal, cycle, existing_draft, bad):
    before = snapshot()
    values = some_values(cycle, 3)
    values[indicators_of(cycle)[4].pk] = bad
    response = post(assessor_client, proposal, payload(cycle, token=existing_draft, values=values))
    assert_refused(response, 400, "harus 0, 1 atau 2")
    assert snapshot() == before


def test_domain_refuses_a_score_outside_0_1_2(proposal, cycle, assessor):
    values = {indicators_of(cycle)[0].pk: 5}
    with pytest.raises(scoring.ValidationError) as error:
        scoring.save_sheet(
            proposal=proposal, assessor=assessor, client_token=uuid.uuid4(), values=values
        )
    assert "harus 0, 1 atau 2" in str(error.value)
    assert Assessment.objects.count() == 0


def test_unknown_indicator_is_refused(assessor_client, proposal, cycle, existing_draft):
    before = snapshot()
    values = {**some_values(cycle, 3), 987654: 2}
    response = post(assessor_client, proposal, payload(cycle, token=existing_draft, values=values))
    assert_refused(response, 400, "Indikator tidak dikenal")
    assert snapshot() == before


def test_refusal_names_the_unknown_indicator_and_the_indicator_with_a_bad_score(
    proposal, cycle, assessor
):
    b5 = indicators_of(cycle)[4]
    values = {**some_values(cycle, 3), b5.pk: 3, 987654: 5, 987655: 1}
    with pytest.raises(scoring.ValidationError) as error:
        scoring.save_sheet(
            proposal=proposal, assessor=assessor, client_token=uuid.uuid4(), values=values
        )
    assert sorted(error.value.messages) == [
        "Indikator tidak dikenal untuk periode ini: 987654, 987655.",
        "Nilai 987654 harus 0, 1 atau 2 (2 baik, 1 sedang, 0 kurang).",
        f"Nilai {b5.code} harus 0, 1 atau 2 (2 baik, 1 sedang, 0 kurang).",
    ]
    assert Assessment.objects.count() == 0


def test_domain_names_every_problem_of_a_sheet_at_once(proposal, cycle, assessor):
    # The same checks guard every path into the sheet, not only the tablet's JSON.
    first, second, *rest = indicators_of(cycle)
    with pytest.raises(scoring.ValidationError) as error:
        scoring.send_sheet(
            proposal=proposal,
            assessor=assessor,
            client_token=uuid.uuid4(),
            values={first.pk: 2},
            notes={first.pk: "x" * (scoring.MAX_NOTE_LENGTH + 1), second.pk: "Tidak dinilai"},
            visit_date=timezone.localdate() + datetime.timedelta(days=1),
            general_note="y" * (scoring.MAX_GENERAL_NOTE_LENGTH + 1),
        )
    assert sorted(error.value.messages) == sorted(
        [
            "Catatan indikator terlalu panjang (maksimal 2000 karakter).",
            f"Catatan {second.code} perlu nilainya; beri nilai dulu atau hapus catatannya.",
            "Catatan umum terlalu panjang (maksimal 5000 karakter).",
            "Tanggal kunjungan tidak boleh setelah hari ini.",
            f"Semua 21 indikator harus dinilai sebelum dikirim. "
            f"Belum dinilai: {', '.join(i.code for i in [second, *rest])}.",
        ]
    )
    assert Assessment.objects.count() == 0


def test_domain_sends_a_sheet_at_every_limit(proposal, cycle, assessor):
    indicators = indicators_of(cycle)
    scoring.send_sheet(
        proposal=proposal,
        assessor=assessor,
        client_token=uuid.uuid4(),
        values={i.pk: 2 for i in indicators},
        notes={indicators[0].pk: "x" * scoring.MAX_NOTE_LENGTH},
        visit_date=timezone.localdate(),
        general_note="y" * scoring.MAX_GENERAL_NOTE_LENGTH,
    )
    assert Assessment.objects.get().status == Assessment.Status.SENT


def test_domain_refuses_to_send_without_a_visit_date(proposal, cycle, assessor):
    with pytest.raises(scoring.ValidationError) as error:
        scoring.send_sheet(
            proposal=proposal,
            assessor=assessor,
            client_token=uuid.uuid4(),
            values={i.pk: 2 for i in indicators_of(cycle)},
        )
    assert error.value.messages == ["Isi tanggal kunjungan sebelum mengirim."]
    assert Assessment.objects.count() == 0


def test_indicator_of_another_indicator_set_is_refused(assessor_client, proposal, cycle):
    other_set = IndicatorSet.objects.create(name="Set uji lain")
    foreign = Indicator.objects.create(
        indicator_set=other_set, code="B1", pillar="BERSIH", order=1, text="Indikator lain"
    )
    response = post(
        assessor_client, proposal, payload(cycle, token=uuid.uuid4(), values={foreign.pk: 2})
    )
    assert_refused(response, 400, "Indikator tidak dikenal")
    assert Assessment.objects.count() == 0


def test_send_with_a_missing_indicator_is_refused_and_names_it(
    assessor_client, proposal, cycle, existing_draft
):
    before = snapshot()
    values = {i.pk: 2 for i in indicators_of(cycle) if i.code != "A5"}
    response = post(
        assessor_client,
        proposal,
        payload(cycle, token=existing_draft, action="send", values=values),
    )
    assert_refused(response, 400, "Belum dinilai: A5")
    assert snapshot() == before
    assert Assessment.objects.get().status == Assessment.Status.DRAFT


def test_send_without_visit_date_is_refused(assessor_client, proposal, cycle):
    response = post(
        assessor_client, proposal, payload(cycle, token=uuid.uuid4(), action="send", visit_date="")
    )
    assert_refused(response, 400, "tanggal kunjungan")
    assert Assessment.objects.count() == 0


def test_visit_date_in_the_future_is_refused(assessor_client, proposal, cycle):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post(
        assessor_client, proposal, payload(cycle, token=uuid.uuid4(), visit_date=tomorrow)
    )
    assert_refused(response, 400, "tidak boleh setelah hari ini")
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("bad", ["29/11/2026", "2026-13-01", "20261102", 20261102])
def test_visit_date_must_be_an_iso_date(assessor_client, proposal, cycle, bad):
    response = post(assessor_client, proposal, payload(cycle, token=uuid.uuid4(), visit_date=bad))
    assert_refused(response, 400, "Tanggal kunjungan tidak valid")
    assert Assessment.objects.count() == 0


def test_same_indicator_twice_is_refused(assessor_client, proposal, cycle):
    data = payload(cycle, token=uuid.uuid4(), values=some_values(cycle, 2))
    data["scores"].append(dict(data["scores"][0], value=0))
    response = post(assessor_client, proposal, data)
    assert_refused(response, 400, "lebih dari sekali")
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    ["{not json", "[1, 2]", json.dumps({"client_token": str(uuid.uuid4()), "scores": []}), ""],
)
def test_malformed_request_is_refused(assessor_client, proposal, existing_draft, raw):
    before = snapshot()
    response = post(assessor_client, proposal, raw)
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert snapshot() == before


def test_invalid_token_is_refused(assessor_client, proposal, cycle):
    response = post(assessor_client, proposal, payload(cycle, token="bukan-uuid", values={}))
    assert_refused(response, 400, "Token lembar penilaian tidak valid", code="invalid")
    assert Assessment.objects.count() == 0


def test_proposal_not_assigned_to_the_assessor_is_refused(client, proposal, cycle, db):
    outsider = factories.make_user(username="penilai.luar", role=roles.TIM_PENILAI)
    client.force_login(outsider)
    response = post(client, proposal, payload(cycle, token=uuid.uuid4()))
    assert_refused(response, 403, "tidak ditugaskan", code="not_assigned")
    assert Assessment.objects.count() == 0


def test_assessor_with_declared_conflict_is_refused(assessor_client, proposal, cycle, assessor):
    ConflictOfInterest.objects.create(
        proposal=proposal, assessor=assessor, reason="Tinggal di RT ini"
    )
    response = post(assessor_client, proposal, payload(cycle, token=uuid.uuid4()))
    assert_refused(response, 403, "konflik kepentingan", code="conflict")
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize("stage", ["USULAN", "REKAPITULASI", "DITETAPKAN"])
def test_saving_outside_penilaian_is_refused(
    assessor_client, proposal, cycle, existing_draft, stage
):
    before = snapshot()
    cycle.stage = stage
    cycle.save()
    response = post(assessor_client, proposal, payload(cycle, token=existing_draft, action="send"))
    assert_refused(response, 409, "tahap Penilaian", code="wrong_stage")
    assert snapshot() == before


def test_saving_in_a_locked_cycle_is_refused(assessor_client, proposal, cycle, existing_draft):
    before = snapshot()
    cycle.is_locked = True
    cycle.save()
    response = post(assessor_client, proposal, payload(cycle, token=existing_draft))
    assert_refused(response, 409, "SK final", code="cycle_locked")
    assert snapshot() == before


@pytest.mark.parametrize("same_token", [True, False])
def test_changing_a_sent_sheet_is_refused(assessor_client, proposal, cycle, same_token):
    token = uuid.uuid4()
    post(assessor_client, proposal, payload(cycle, token=token, action="send"))
    before = snapshot()
    values = {i.pk: 0 for i in indicators_of(cycle)}
    retry_token = token if same_token else uuid.uuid4()
    response = post(assessor_client, proposal, payload(cycle, token=retry_token, values=values))
    assert_refused(response, 409, "sudah dikirim", code="already_sent")
    assert snapshot() == before


def test_sending_again_with_a_new_token_after_sending_is_refused(assessor_client, proposal, cycle):
    post(assessor_client, proposal, payload(cycle, token=uuid.uuid4(), action="send"))
    before = snapshot()
    response = post(assessor_client, proposal, payload(cycle, token=uuid.uuid4(), action="send"))
    assert_refused(response, 409, "sudah dikirim", code="already_sent")
    assert snapshot() == before


def test_token_of_another_assessors_sheet_is_refused(
    client, proposal, cycle, colleague, existing_draft
):
    before = snapshot()
    client.force_login(colleague)
    response = post(client, proposal, payload(cycle, token=existing_draft))
    assert_refused(response, 409, "milik lembar lain", code="token_mismatch")
    assert snapshot() == before


# --- session, CSRF and roles -----------------------------------------------------------


def test_expired_session_answers_401_json_not_a_login_redirect(client, proposal, cycle):
    response = post(client, proposal, payload(cycle, token=uuid.uuid4()))
    assert response.status_code == 401
    answer = response.json()
    assert answer["ok"] is False
    assert "Sesi Anda sudah berakhir" in answer["errors"][0]
    assert answer["code"] == "session_expired"
    assert answer["login_url"].startswith(reverse("login"))
    assert Assessment.objects.count() == 0


def test_session_ending_between_saves_answers_401(assessor_client, proposal, cycle):
    token = uuid.uuid4()
    assert post(assessor_client, proposal, payload(cycle, token=token)).status_code == 200
    assessor_client.logout()
    response = post(assessor_client, proposal, payload(cycle, token=token, action="send"))
    assert response.status_code == 401
    assert Assessment.objects.get().status == Assessment.Status.DRAFT


def test_save_needs_the_csrf_token_header(proposal, cycle, assessor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(assessor)
    client.get(reverse("assessments:scoring-sheet", args=[proposal.pk]))
    csrf = client.cookies["csrftoken"].value
    url = reverse("assessments:scoring-save", args=[proposal.pk])
    data = json.dumps(payload(cycle, token=uuid.uuid4()))
    refused = client.post(url, data=data, content_type="application/json")
    assert refused.status_code == 403
    assert Assessment.objects.count() == 0
    accepted = client.post(
        url, data=data, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 200


def test_only_assessors_may_save(client, proposal, cycle, kelurahan_officer):
    client.force_login(kelurahan_officer)
    response = post(client, proposal, payload(cycle, token=uuid.uuid4()))
    assert_refused(response, 403, "Tim Penilai", code="not_assessor")
    assert Assessment.objects.count() == 0


def test_team_member_outside_tim_penilai_may_not_save(client, cycle, rt_in_scope):
    # The role is read with the write's lock: a member of the team who left Tim Penilai
    # is refused before anything is written, as when the view asked for it first.
    former = factories.make_user(username="bekas.penilai", agency="DLH")
    team = factories.make_team(cycle=cycle, members=[former])
    proposal = factories.make_proposal(
        cycle=cycle, rt=rt_in_scope, status="DIVERIFIKASI", team=team
    )
    client.force_login(former)
    response = post(client, proposal, payload(cycle, token=uuid.uuid4(), action="send"))
    assert_refused(response, 403, "Tim Penilai", code="not_assessor")
    assert Assessment.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    ["{not json", json.dumps({"action": "send"}), "x" * (300 * 1024)],
    ids=["malformed", "invalid", "too-large"],
)
def test_non_assessor_is_told_the_role_before_anything_else(
    client, proposal, kelurahan_officer, body
):
    client.force_login(kelurahan_officer)
    response = post(client, proposal, body)
    assert_refused(response, 403, "Tim Penilai", code="not_assessor")


def test_non_assessor_is_told_the_role_for_a_proposal_that_does_not_exist(
    client, cycle, kelurahan_officer
):
    client.force_login(kelurahan_officer)
    response = client.post(
        reverse("assessments:scoring-save", args=[999_999]),
        data=json.dumps(payload(cycle, token=uuid.uuid4())),
        content_type="application/json",
    )
    assert_refused(response, 403, "Tim Penilai", code="not_assessor")


# --- hostile bodies and a database outage -------------------------------------------


def test_proposal_that_does_not_exist_answers_404_json(assessor_client, cycle):
    url = reverse("assessments:scoring-save", args=[999999])
    response = assessor_client.post(
        url, data=json.dumps(payload(cycle, token=uuid.uuid4())), content_type="application/json"
    )
    assert_refused(response, 404, "tidak ditemukan", code="not_found")


def test_deeply_nested_json_is_refused_with_400_json(assessor_client, proposal, existing_draft):
    before = snapshot()

    response = post(assessor_client, proposal, "[" * 50_000 + "]" * 50_000)

    assert_refused(response, 400, "tidak terbaca")
    assert snapshot() == before


def test_body_over_the_cap_is_refused_before_it_is_read(assessor_client, proposal, cycle):
    data = payload(cycle, token=uuid.uuid4(), note="x" * (300 * 1024))

    response = post(assessor_client, proposal, data)

    assert_refused(response, 413, "terlalu besar", code="too_large")
    assert Assessment.objects.count() == 0


@contextlib.contextmanager
def database_down():
    """Inside the block every query fails as it does when PostgreSQL is unreachable."""

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", unreachable)
        patch.setattr(CursorWrapper, "executemany", unreachable)
        yield


def test_database_outage_answers_json_503_and_changes_nothing(
    assessor_client, proposal, cycle, existing_draft
):
    before = snapshot()
    data = payload(cycle, token=existing_draft, action="send")

    with database_down():
        response = post(assessor_client, proposal, data)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    message = (
        "Server basis data sedang tidak dapat dihubungi; jawaban Anda tetap tersimpan "
        "di perangkat. Coba kirim lagi nanti."
    )
    assert response.json() == {
        "ok": False,
        "code": "database_down",
        "message": message,
        "errors": [message],
    }
    assert snapshot() == before
