"""What a member of staff may see of a customer: masked unless they may and asked to see more."""

from __future__ import annotations

from dataclasses import dataclass

from dangol.customers.models import Customer
from dangol.privacy.masking import mask_address, mask_email, mask_name, mask_phone

PERSONAL_FIELDS = ("name", "phone", "email", "birth_date", "address")


@dataclass(frozen=True)
class CustomerCard:
    id: int
    name: str
    phone: str
    email: str
    birth_date: str
    address: str
    masked: bool


def customer_card(customer: Customer, *, unmasked: bool) -> CustomerCard:
    if unmasked:
        return CustomerCard(
            id=customer.pk,
            name=customer.name,
            phone=customer.phone,
            email=customer.email,
            birth_date=customer.birth_date.isoformat() if customer.birth_date else "",
            address=customer.address,
            masked=False,
        )
    return CustomerCard(
        id=customer.pk,
        name=mask_name(customer.name),
        phone=mask_phone(customer.phone),
        email=mask_email(customer.email),
        birth_date=f"{customer.birth_date.year}-**-**" if customer.birth_date else "",
        address=mask_address(customer.address),
        masked=True,
    )


def masked_address_as(customer: Customer, *, unmasked: bool) -> str:
    """The 호칭 with the name masked the same way as everywhere else."""
    if unmasked:
        return customer.address_as
    if customer.preferred_name:
        return customer.preferred_name.replace(customer.name, mask_name(customer.name))
    return f"{mask_name(customer.name)} 고객님"
