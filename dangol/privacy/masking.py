"""Masking conventions of Korean UIs (shared/notes/reliability.md)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """홍길동 → 홍*동, 김철 → 김*, 남궁민수 → 남**수; Latin names keep the first letter."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    """010-1234-5678 → 010-****-5678 (the middle group hidden)."""
    if not phone:
        return ""
    parts = phone.split("-")
    if len(parts) == 3:
        return f"{parts[0]}-{'*' * len(parts[1])}-{parts[2]}"
    if len(parts) == 2:
        return f"{'*' * len(parts[0])}-{parts[1]}"
    return "*" * max(len(phone) - 4, 0) + phone[-4:]


def mask_email(email: str) -> str:
    """abcdef@example.com → ab****@example.com."""
    if not email or "@" not in email:
        return email or ""
    local, _, domain = email.partition("@")
    keep = local[:2] if len(local) > 2 else local[:1]
    return f"{keep}{'*' * max(len(local) - len(keep), 1)}@{domain}"


def mask_contact(contact: str) -> str:
    """A free contact field ("010-1234-5678, ab@example.com"): each part masked as an e-mail or a phone."""
    parts = [part.strip() for part in (contact or "").split(",")]
    return ", ".join(mask_email(part) if "@" in part else mask_phone(part) for part in parts if part)


def mask_address(address: str) -> str:
    """Keep the first two words (시/도 and 구/군), hide the rest."""
    if not address:
        return ""
    words = address.split()
    return " ".join(words[:2] + ["***"]) if len(words) > 2 else address


def mask_date(_: object) -> str:
    return "****-**-**"
