"""Where to go after a form: only back into this site (an open redirect sends staff to a phishing page)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, *, default: str) -> str:
    """The `next` the form carried if it points at this site, else `default` (a URL or a URL name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
