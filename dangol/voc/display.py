"""What a member of staff sees of a case's contact (the name and phone/e-mail of someone not linked to a
customer): masked like a customer's profile, unless they may see personal data and asked to (which is logged)."""

from __future__ import annotations

from dataclasses import dataclass

from dangol.privacy.masking import mask_contact, mask_name
from dangol.voc.models import Case

CONTACT_FIELDS = ("contact_name", "contact_info")


@dataclass(frozen=True)
class CaseContact:
    name: str
    info: str
    masked: bool

    @property
    def given(self) -> bool:
        return bool(self.name or self.info)


def case_contact(case: Case, *, unmasked: bool) -> CaseContact:
    if unmasked:
        return CaseContact(name=case.contact_name, info=case.contact_info, masked=False)
    return CaseContact(name=mask_name(case.contact_name), info=mask_contact(case.contact_info), masked=True)
