"""Parsers for the messaging settings read from the environment (no Django imports: settings.py uses them).

Each parser fails loudly on a value it cannot read, like dangol.env, so a typo stops start-up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from dangol.env import EnvError

CHANNELS = ("email", "sms", "lms", "alimtalk", "brand")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"DANGOL_EMAIL_URL: {name}={raw!r} is not a boolean (use 1/0)")


def parse_email_url(url: str) -> dict[str, Any]:
    """`smtp://user:pass@host:587?tls=1` (or `smtps://…` for implicit TLS, `?ssl=1`, `?timeout=10`) as Django's
    EMAIL_* settings. Percent-escapes in the user name and password are decoded (`%40` for `@`)."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise EnvError(f"DANGOL_EMAIL_URL must start with smtp:// or smtps://, not {parts.scheme or url!r}")
    if not parts.hostname:
        raise EnvError("DANGOL_EMAIL_URL has no host")
    try:
        port = parts.port
    except ValueError as exc:
        raise EnvError(f"DANGOL_EMAIL_URL has a bad port: {url!r}") from exc
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"tls", "ssl", "timeout"}
    if unknown:
        raise EnvError(f"DANGOL_EMAIL_URL: unknown option(s) {', '.join(sorted(unknown))}")
    use_ssl = parts.scheme == "smtps" or _flag("ssl", query.get("ssl", "0"))
    use_tls = _flag("tls", query.get("tls", "0"))
    if use_ssl and use_tls:
        raise EnvError("DANGOL_EMAIL_URL: choose tls=1 (STARTTLS) or ssl=1/smtps (implicit TLS), not both")
    timeout = None
    if "timeout" in query:
        try:
            timeout = int(query["timeout"])
        except ValueError as exc:
            raise EnvError(f"DANGOL_EMAIL_URL: timeout={query['timeout']!r} is not an integer") from exc
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }


def parse_rates(raw: str, *, default: float) -> dict[str, float]:
    """`email=5,sms=20` → messages per second per channel; channels not named get `default`."""
    rates = dict.fromkeys(CHANNELS, float(default))
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in CHANNELS:
            raise EnvError(f"DANGOL_MESSAGING_RATES: {item!r} is not channel=rate ({', '.join(CHANNELS)})")
        try:
            rate = float(value)
        except ValueError as exc:
            raise EnvError(f"DANGOL_MESSAGING_RATES: {item!r} has no number") from exc
        if rate <= 0:
            raise EnvError(f"DANGOL_MESSAGING_RATES: {item!r} must be above 0")
        rates[name] = rate
    return rates
