"""Limits for the pages anyone may use without a login: the VOC form, store QR codes, survey answers.

Requests are counted in fixed windows in the database (RateCounter), so every web worker and server shares one
count: a per-process cache would let each gunicorn worker allow the limit again. A client is its IP address (an
IPv6 /64, which one subscriber usually holds whole); a contact is a phone number or an e-mail address. Both are
stored only as keyed hashes. A refused request is not counted, so a flood of refusals writes nothing.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.crypto import salted_hmac

from dangol.privacy.models import RateCounter
from dangol.privacy.services import client_ip


@dataclass(frozen=True)
class Rule:
    """At most `limit` requests per `seconds` (a fixed window); a limit of 0 or less is off."""

    limit: int
    seconds: int


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


def client_key(request: HttpRequest) -> str:
    """Who is asking, for counting: the IP address, or for IPv6 its /64 network."""
    raw = client_ip(request) or "unknown"
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _retry_after(start: dt.datetime, seconds: int, now: dt.datetime) -> int:
    return max(1, math.ceil((start + dt.timedelta(seconds=seconds) - now).total_seconds()))


def clock() -> dt.datetime:
    """The time the limits count by (the tests hold it still: see conftest.py)."""
    return timezone.now()


def hit(
    scope: str, values: str | Iterable[str], rules: Sequence[Rule], *, now: dt.datetime | None = None
) -> None:
    """Count one request for each of `values` (a client key, contacts) in `scope`, or raise RateLimited when one
    of the `rules` is already at its limit for one of them. Empty values are not counted."""
    now = now or clock()
    names = [values] if isinstance(values, str) else list(values)
    windows = []
    for name in dict.fromkeys(v for v in names if v):
        digest = salted_hmac("dangol.privacy.throttle", f"{scope}|{name}").hexdigest()[:40]
        for rule in rules:
            if rule.limit > 0:
                key = f"{scope[:40]}/{rule.seconds}:{digest}"
                windows.append((rule, key, _window_start(now, rule.seconds)))
    if not windows:
        return

    def refuse_if_full(counts: dict[tuple[str, dt.datetime], int], *, allowed: int) -> None:
        over = [
            _retry_after(start, rule.seconds, now)
            for rule, key, start in windows
            if counts.get((key, start), 0) > rule.limit - allowed
        ]
        if over:
            raise RateLimited(max(over))

    def counts() -> dict[tuple[str, dt.datetime], int]:
        match = Q()
        for _, key, start in windows:
            match |= Q(key=key, window_start=start)
        return {
            (k, s): n
            for k, s, n in RateCounter.objects.filter(match).values_list("key", "window_start", "hits")
        }

    refuse_if_full(counts(), allowed=1)  # full already: refuse without writing
    with transaction.atomic():
        for rule, key, start in windows:
            if RateCounter.objects.filter(key=key, window_start=start).update(hits=F("hits") + 1):
                continue
            RateCounter.objects.filter(expires_at__lte=now).delete()  # windows that have ended
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        key=key,
                        window_start=start,
                        expires_at=start + dt.timedelta(seconds=rule.seconds),
                        hits=1,
                    )
            except IntegrityError:  # a concurrent request made the row first
                RateCounter.objects.filter(key=key, window_start=start).update(hits=F("hits") + 1)
        # Concurrent requests may have got in since the first look: the ones past the limit lose (and roll back).
        refuse_if_full(counts(), allowed=0)


def too_many_requests(request: HttpRequest, limited: RateLimited) -> HttpResponse:
    """The Korean 429 page, with Retry-After."""
    response = render(
        request,
        "privacy/too_many_requests.html",
        {"minutes": max(1, math.ceil(limited.retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(limited.retry_after)
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- request size


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django reads nothing of a body without a valid length


def public_body_limit(request: HttpRequest) -> int | None:
    """The largest body this request may carry when it is anonymous (a page open without a login, or any page
    without a session cookie; the API checks its own tokens), else None. Never below
    `DANGOL_PUBLIC_MAX_BODY_BYTES`."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        view = None
    is_public = view is not None and getattr(view, "login_required", True) is False
    has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
    if is_public or not (has_session or request.path_info.startswith("/api/")):
        # A public form that takes files (the portal's photos) names its own, larger limit on the view; a view
        # cannot lower the site's limit (PublicBodyLimit lets every body within it through unresolved).
        named = int(getattr(view, "public_max_body_bytes", 0) or 0)
        return max(named, settings.DANGOL_PUBLIC_MAX_BODY_BYTES)
    return None


def request_too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """The Korean 413 page."""
    return render(request, "privacy/request_too_large.html", {"limit_kb": max(1, limit // 1024)}, status=413)


class PublicBodyLimit:
    """Refuse an anonymous request whose body is bigger than a form needs (413), by its Content-Length, before
    anything reads it: RejectNulBytes and request.POST would load it into memory whole."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        length = _content_length(request)
        # A body within the site's public limit passes whatever the page (no limit is lower), so the URL is
        # resolved only for a larger one: not for every form post (issue 18: 5% of a survey answer's CPU).
        if length > settings.DANGOL_PUBLIC_MAX_BODY_BYTES:
            limit = public_body_limit(request)
            if limit is not None and length > limit:
                return request_too_large(request, limit)
        return self.get_response(request)
