"""Plain-Korean answers for the customer's own pages: the state of each consent, and why they are in their
membership tier (개인정보 보호법 제37조의2: an explanation of an automated decision about me)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from dangol.customers.models import ConsentPurpose, Customer
from dangol.customers.selectors import consents_now
from dangol.portal.services import CHANGEABLE
from dangol.rewards.models import Program, Tier, TierChange
from dangol.rewards.selectors import customer_rewards_summary


@dataclass(frozen=True)
class ConsentRow:
    purpose: str
    label: str
    granted: bool | None
    changed_at: dt.datetime | None
    changeable: bool


def consent_rows(customer: Customer) -> list[ConsentRow]:
    states = consents_now([customer.pk], ConsentPurpose.values)
    rows = []
    for purpose in ConsentPurpose:
        state = states.get((customer.pk, purpose.value))
        rows.append(
            ConsentRow(
                purpose=purpose.value,
                label=str(purpose.label),
                granted=state.granted if state else None,
                changed_at=state.changed_at if state else None,
                changeable=purpose in CHANGEABLE,
            )
        )
    return rows


def _won(amount: int) -> str:
    return f"{amount:,}원"


def _condition(tier: Tier) -> str:
    parts = []
    if tier.min_spend:
        parts.append(_("구매액 %(amount)s 이상") % {"amount": _won(tier.min_spend)})
    if tier.min_visits:
        parts.append(_("구매한 날 %(days)s일 이상") % {"days": tier.min_visits})
    if not parts:
        return _("조건 없음(기본 등급)")
    joiner = _(" 또는 ") if tier.rule == Tier.Rule.ANY else _(" 그리고 ")
    return joiner.join(parts)


def tier_explanation(customer: Customer) -> list[str]:
    """Sentences that say how the tier was decided, from the same figures the monthly evaluation used."""
    summary = customer_rewards_summary(customer)
    progress = summary.membership
    if progress is None or progress.tier is None:
        return [_("멤버십 등급 제도가 아직 운영되지 않아 고객님에 대해 자동으로 정한 등급이 없습니다.")]
    program = Program.current()
    lines = [
        _(
            "멤버십 등급은 사람이 고르지 않고, 매월 최근 %(months)s개월 동안의 구매액과 구매한 날 수로 자동 산정합니다."
        )
        % {"months": program.tier_window_months},
        _("고객님의 현재 등급은 '%(tier)s'입니다. 이 등급의 조건은 %(condition)s입니다.")
        % {"tier": progress.tier.name, "condition": _condition(progress.tier)},
        _("산정에 쓴 고객님의 기록: 구매액 %(spend)s, 구매한 날 %(visits)s일.")
        % {"spend": _won(progress.spend), "visits": progress.visits},
    ]
    if progress.next_tier is not None:
        lines.append(
            _("다음 등급 '%(tier)s'의 조건은 %(condition)s입니다.")
            % {"tier": progress.next_tier.name, "condition": _condition(progress.next_tier)}
        )
    if progress.grace_until:
        lines.append(
            _("조건에 못 미쳤지만 %(date)s까지는 하향을 유예해 지금 등급을 유지합니다.")
            % {"date": f"{progress.grace_until:%Y-%m-%d}"}
        )
    last = (
        TierChange.objects.filter(customer=customer).select_related("to_tier").order_by("-at", "-id").first()
    )
    if last is not None:
        lines.append(
            _("마지막 등급 변경: %(date)s %(kind)s('%(tier)s').")
            % {
                "date": f"{timezone.localtime(last.at):%Y-%m-%d}",
                "kind": last.get_kind_display(),
                "tier": last.to_tier.name,
            }
        )
    lines.append(
        _("이 결정에 이의가 있거나 사람의 검토를 원하시면 아래에서 '자동화된 결정 설명'을 요청해 주세요.")
    )
    return lines
