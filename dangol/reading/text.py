"""The app's door to dangol.textmining (a pure library): read a text, and mask personal data in it
before it is stored (PIPA: the original never lands in the database)."""

from __future__ import annotations

import dataclasses
from typing import Any

from dangol.textmining.pii import mask_pii


def textmining_available() -> bool:
    try:
        import dangol.textmining  # noqa: F401
    except ImportError:
        return False
    return True


def mask_text(text: str) -> str:
    """Resident registration, phone, card and account numbers and e-mails in free text, masked."""
    if not text:
        return text
    # The masker is plain regular expressions (no model): it is always there, so never store text unmasked.
    return str(mask_pii(text)[0])


def read_text(text: str) -> dict[str, Any] | None:
    """Intent, emotion (with intensity), difficult-customer cues and keywords; None without the library."""
    if not (text or "").strip():
        return None
    try:
        from dangol.textmining import analyze
    except ImportError:
        return None
    data = dataclasses.asdict(analyze(text))
    data.pop("masked_text", None)
    return data
