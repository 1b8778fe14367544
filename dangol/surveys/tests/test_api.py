from __future__ import annotations

import json

from dangol.accounts.services import api_token_create
from dangol.surveys.models import Response, Survey
from dangol.surveys.tests.conftest import BAD, GOOD
from dangol.voc.models import Case


def bearer(user, scopes):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t', scopes=scopes)[1]}"}


def post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


SURVEY = {
    "code": "api-visit",
    "title": "방문 만족도",
    "touchpoint": "store-gangnam",
    "questions": [
        {"kind": "csat", "code": "overall", "text": "만족하셨나요?"},
        {"kind": "nps", "code": "recommend", "text": "추천하시겠어요?"},
    ],
}


def test_survey_invitation_and_responses_through_the_api(client, shop):
    h = bearer(shop["manager"], ["surveys:read", "surveys:write"])
    created = post(client, "/api/surveys", SURVEY, h)
    assert created.status_code == 201, created.content
    survey = created.json()
    assert survey["status"] == "active" and [q["code"] for q in survey["questions"]] == [
        "overall",
        "recommend",
    ]
    invitation = post(client, f"/api/surveys/{survey['id']}/invitations", {"customer_id": shop["hong"].pk}, h)
    assert invitation.status_code == 201 and "/surveys/a/" in invitation.json()["url"]
    body = {
        "answers": {"overall": 1, "recommend": 3},
        "customer_id": shop["kim"].pk,
        "source_ref": "kiosk-1",
        "answered_at": "2026-11-20T10:00:00",
    }
    first = post(client, f"/api/surveys/{survey['id']}/responses", body, h)
    assert first.status_code == 201, first.content
    assert first.json()["followup_case"].startswith("VOC-") and first.json()["answered_at"].startswith(
        "2026-11-20T01:00:00"
    )
    again = post(client, f"/api/surveys/{survey['id']}/responses", body, h)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Case.objects.count() == 1
    listing = client.get(f"/api/surveys/{survey['id']}/responses", **h).json()
    assert [r["nps"] for r in listing["items"]] == [3]


def test_bad_answers_are_a_422_with_korean_messages(client, shop):
    h = bearer(shop["manager"], ["surveys:read", "surveys:write"])
    survey = post(client, "/api/surveys", SURVEY, h).json()
    r = post(
        client,
        f"/api/surveys/{survey['id']}/responses",
        {"answers": {"overall": 9, "recommend": {"x": 1}}},
        h,
    )
    assert r.status_code == 422 and "1~5" in r.content.decode("utf-8")
    assert (
        post(
            client, f"/api/surveys/{survey['id']}/responses", {"answers": {}, "touchpoint": "nowhere"}, h
        ).status_code
        == 422
    )
    assert client.get("/api/surveys/999999", **h).status_code == 404
    assert not Response.objects.exists()


def test_scopes_and_roles_are_checked(client, shop, survey):
    read_only = bearer(shop["manager"], ["surveys:read"])
    assert post(client, "/api/surveys", SURVEY, read_only).status_code == 403
    viewer = bearer(shop["viewer"], ["surveys:read", "surveys:write"])
    assert post(client, "/api/surveys", SURVEY, viewer).status_code == 403
    assert post(client, f"/api/surveys/{survey.pk}/responses", {"answers": GOOD}, viewer).status_code == 403
    # surveys:read covers responses and results, which a viewer's role may not read (api/auth.py)
    assert client.get("/api/surveys", **viewer).status_code == 403
    assert Survey.objects.count() == 1
    agent = bearer(shop["agent"], ["surveys:write"])
    assert (
        post(
            client, f"/api/surveys/{survey.pk}/invitations", {"customer_id": shop["hong"].pk}, agent
        ).status_code
        == 201
    )
    assert post(client, f"/api/surveys/{survey.pk}/responses", {"answers": BAD}, agent).status_code == 403


def test_kano_results_through_the_api(client, shop):
    h = bearer(shop["analyst"], ["surveys:read", "surveys:write"])
    manager = bearer(shop["manager"], ["surveys:write"])
    survey = post(
        client,
        "/api/surveys",
        {
            "code": "k",
            "title": "기능",
            "kind": "kano",
            "questions": [{"kind": "kano", "code": "wifi", "text": "무료 와이파이"}],
        },
        manager,
    ).json()
    for _ in range(3):
        post(
            client,
            f"/api/surveys/{survey['id']}/responses",
            {"answers": {"wifi__functional": 2, "wifi__dysfunctional": 5}},
            h,
        )
    result = client.get(f"/api/surveys/{survey['id']}/kano", **h).json()
    assert result["attributes"][0]["category"] == "M" and result["attributes"][0]["worse"] == -1.0
