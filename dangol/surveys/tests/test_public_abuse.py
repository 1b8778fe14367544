"""Abuse of the public survey pages (store QR codes, one-time answer links), through the real stack: each test
makes the attack and shows that it now fails."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangol.surveys import sending, services
from dangol.surveys.models import Invitation, Response
from dangol.surveys.tests.conftest import BAD, GOOD, run_worker
from dangol.voc.models import Case

DETRACTOR = {**BAD, "recommend": "0"}  # NPS 0: each answer opens a follow-up case


@pytest.fixture(autouse=True)
def _pinned(settings, monkeypatch):
    """Limits as configured for these tests, and a clock that does not cross a window while they run."""
    settings.DANGOL_QR_SCANS_PER_IP_PER_MINUTE = 6
    settings.DANGOL_QR_SCANS_PER_IP_PER_HOUR = 60
    settings.DANGOL_SURVEY_FOLLOWUPS_PER_IP_PER_HOUR = 3
    moment = timezone.now().replace(minute=10, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_qr_scans_beyond_a_human_pace_mint_no_more_links(shop, survey):
    url = reverse("surveys:counter", args=[sending.counter_token(survey=survey, touchpoint=shop["store"])])

    # a script that keeps no cookies, 50 scans from one address
    scans = [Client().get(url, REMOTE_ADDR="203.0.113.5") for _ in range(50)]

    assert [s.status_code for s in scans[:6]] == [302] * 6
    assert {s.status_code for s in scans[6:]} == {429}
    assert Invitation.objects.count() == 6
    refused = scans[-1]
    assert "요청이 너무 많습니다" in refused.content.decode() and 1 <= int(refused["Retry-After"]) <= 60
    # a scan from another address is not held back
    assert Client().get(url, REMOTE_ADDR="198.51.100.2").status_code == 302


def test_a_person_scanning_again_past_the_pace_gets_their_own_link_back(shop, survey):
    url = reverse("surveys:counter", args=[sending.counter_token(survey=survey, touchpoint=shop["store"])])
    person = Client()
    first = person.get(url, REMOTE_ADDR="203.0.113.8")
    for _ in range(5):  # others on the same shop Wi-Fi use up the pace
        Client().get(url, REMOTE_ADDR="203.0.113.8")
    assert Client().get(url, REMOTE_ADDR="203.0.113.8").status_code == 429

    again = person.get(url, REMOTE_ADDR="203.0.113.8")

    assert again.status_code == 302 and again.url == first.url
    assert Invitation.objects.count() == 6
    # once answered, that link is spent: no new one past the pace
    assert person.post(first.url, GOOD, REMOTE_ADDR="203.0.113.8").status_code == 200
    assert person.get(url, REMOTE_ADDR="203.0.113.8").status_code == 429


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_scripted_detractor_answers_beyond_the_limit_open_no_more_cases(client: Client, shop, survey):
    # links minted over time, or from many addresses: the answers all come from one
    links = [
        sending.invitation_from_counter(token=sending.counter_token(survey=survey, touchpoint=shop["store"]))[
            1
        ]
    ]
    links += [
        services.invitation_create(survey=survey, touchpoint=shop["store"], channel="qr")[1] for _ in range(9)
    ]

    answers = [
        client.post(reverse("surveys:answer", args=[t]), DETRACTOR, REMOTE_ADDR="203.0.113.9") for t in links
    ]

    assert [a.status_code for a in answers] == [200] * 3 + [429] * 7
    run_worker()  # the job worker opens the follow-up cases
    assert Case.objects.count() == 3 and Response.objects.count() == 3
    assert "요청이 너무 많습니다" in answers[-1].content.decode() and answers[-1]["Retry-After"]
    # the refused links stay unanswered, so a real respondent can answer later; a content one is not held back
    assert (
        client.post(reverse("surveys:answer", args=[links[4]]), GOOD, REMOTE_ADDR="203.0.113.9").status_code
        == 200
    )
    run_worker()
    assert Case.objects.count() == 3
    # a link sent to a known customer is theirs alone: their complaint always opens a case
    _, own = services.invitation_create(survey=survey, customer=shop["hong"])
    mine = client.post(reverse("surveys:answer", args=[own]), DETRACTOR, REMOTE_ADDR="203.0.113.9")
    run_worker()
    assert mine.status_code == 200 and Case.objects.count() == 4


def test_an_oversized_answer_is_refused_and_the_link_stays_unused(client: Client, shop, survey):
    _, token = services.invitation_create(survey=survey, touchpoint=shop["store"], channel="qr")

    r = client.post(reverse("surveys:answer", args=[token]), {**GOOD, "why": "가" * 300_000})

    assert r.status_code == 413 and "보내신 내용이 너무 큽니다" in r.content.decode()
    assert Response.objects.count() == 0 and Invitation.objects.get().used_at is None


def test_the_body_check_resolves_the_url_only_for_a_body_above_the_public_limit(
    client: Client, shop, survey, monkeypatch
):
    """Issue 18: PublicBodyLimit resolved the URL of every form post to find the page's limit; a body within the
    site's public limit now passes without it, which holds because a page can only raise that limit."""
    from dangol.privacy import throttle
    from dangol.surveys import views

    resolved: list[str] = []
    real_resolve = throttle.resolve
    monkeypatch.setattr(throttle, "resolve", lambda path: resolved.append(path) or real_resolve(path))
    monkeypatch.setattr(views.answer, "public_max_body_bytes", 100, raising=False)  # lower than the site's
    _, token = services.invitation_create(survey=survey, touchpoint=shop["store"], channel="qr")
    _, other = services.invitation_create(survey=survey, touchpoint=shop["store"], channel="qr")

    answered = client.post(reverse("surveys:answer", args=[token]), GOOD)  # a few hundred bytes
    resolved_for_the_answer = list(resolved)
    oversized = client.post(reverse("surveys:answer", args=[other]), {**GOOD, "why": "가" * 300_000})

    assert answered.status_code == 200 and resolved_for_the_answer == []
    assert oversized.status_code == 413 and resolved == [reverse("surveys:answer", args=[other])]
    assert Response.objects.count() == 1
