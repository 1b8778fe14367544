"""/favicon.ico: browsers ask for it at the root whatever the page says, so it is served here, without a login."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

_ICON = Path(__file__).resolve().parent / "static" / "dangol" / "favicon.ico"


@login_not_required
@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_ICON.read_bytes(), content_type="image/vnd.microsoft.icon")
