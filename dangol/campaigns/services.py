"""Use cases that write segments and campaigns. A launch: evaluate the segment, drop those over the frequency cap,
hold out a stratified random control group (dangol.analytics.uplift), record every member with its arm, queue the
treated through messaging (its consent, night-time and advertising rules apply) and issue the offer. Every
step is keyed, so a launch that runs twice (a retry, two workers) sends and offers once."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from dangol.analytics.uplift import assign_holdout
from dangol.campaigns.conditions import customers_matching, eligible_customers, snapshot_members, validate
from dangol.campaigns.models import Campaign, CampaignMember, Segment
from dangol.campaigns.snapshot import snapshot_info
from dangol.common.keys import key_in
from dangol.customers.models import Customer
from dangol.customers.segments import AudienceKind, audience_kind_register
from dangol.imports.fastsql import insert_rows
from dangol.loyalty.selectors import value_tiers_of
from dangol.messaging.models import Kind, Message, MessageTemplate
from dangol.messaging.selectors import advertising_counts_since, outcomes, statuses_of
from dangol.messaging.services import DRAFT_CUSTOMER_FIELDS, BulkRecipient, messages_queue_bulk
from dangol.rewards.coupons import coupon_issue
from dangol.rewards.ledger import RewardsError
from dangol.rewards.models import CouponDefinition, Source
from dangol.rewards.services import points_earn

logger = logging.getLogger(__name__)

BATCH = 2000  # treated members queued per transaction (messaging's bulk queue takes them at once)
NO_STRATUM = "none"


class CampaignError(ValidationError):
    """Bad input or a state that does not allow the step; the message is Korean."""


# ---------------------------------------------------------------- segments


def segment_member_ids(segment: Segment, *, now: dt.datetime | None = None) -> QuerySet[Customer, int]:
    """The ids of the segment's customers now: a dynamic segment is evaluated, a frozen one is its stored list
    (less anyone merged away or forgotten since)."""
    if segment.kind == Segment.Kind.FROZEN:
        qs = eligible_customers().filter(pk__in=segment.member_ids)
    else:
        qs = customers_matching(segment.definition, now=now)
    return qs.order_by("pk").values_list("pk", flat=True)


def _segment_audience(pk: int) -> tuple[str, QuerySet[Customer]]:
    segment = Segment.objects.filter(pk=pk).first()
    if segment is None:
        raise LookupError(pk)
    return segment.name, Customer.objects.filter(pk__in=segment_member_ids(segment))


def register_audiences() -> None:
    """The builder's segments are audiences other apps can send to (surveys: dangol.customers.segments)."""
    audience_kind_register(
        AudienceKind(
            code="segment",
            label=gettext_lazy("세그먼트 빌더의 세그먼트"),
            choices=lambda: list(Segment.objects.order_by("name").values_list("pk", "name")),
            resolve=_segment_audience,
        )
    )


@transaction.atomic
def segment_create(
    *, name: str, definition: Any, kind: str = Segment.Kind.DYNAMIC, description: str = "", by: User | None
) -> Segment:
    name = (name or "").strip()
    if not name:
        raise CampaignError(_("세그먼트 이름을 입력하세요."), code="name_required")
    if kind not in Segment.Kind.values:
        raise CampaignError(_("세그먼트 종류가 올바르지 않습니다."), code="invalid_kind")
    definition = validate(definition)
    if Segment.objects.filter(name=name).exists():
        raise CampaignError(
            _("같은 이름의 세그먼트가 이미 있습니다: %(name)s") % {"name": name}, code="name_taken"
        )
    try:
        with transaction.atomic():
            segment = Segment.objects.create(
                name=name,
                description=description[:300],
                kind=Segment.Kind.DYNAMIC,
                definition=definition,
                owner=by,
            )
    except IntegrityError:
        raise CampaignError(
            _("같은 이름의 세그먼트가 이미 있습니다: %(name)s") % {"name": name}, code="name_taken"
        ) from None
    if kind == Segment.Kind.FROZEN:
        segment_freeze(segment=segment)
    return segment


@transaction.atomic
def segment_freeze(*, segment: Segment, now: dt.datetime | None = None) -> Segment:
    """Store the segment's current members and stop re-evaluating it."""
    now = now or timezone.now()
    ids = list(customers_matching(segment.definition, now=now).order_by("pk").values_list("pk", flat=True))
    Segment.objects.filter(pk=segment.pk).update(
        kind=Segment.Kind.FROZEN, member_ids=ids, frozen_at=now, updated_at=now
    )
    segment.refresh_from_db()
    return segment


# ---------------------------------------------------------------- campaigns


@transaction.atomic
def campaign_create(
    *,
    name: str,
    goal: str,
    segment: Segment,
    template: MessageTemplate,
    channel: str = "",
    offer: str = Campaign.Offer.NONE,
    coupon: CouponDefinition | None = None,
    points: int = 0,
    send_at: dt.datetime | None = None,
    window_days: int = 14,
    control_share: Decimal | float = Decimal("0.1"),
    by: User | None,
) -> Campaign:
    name = (name or "").strip()
    if not name:
        raise CampaignError(_("캠페인 이름을 입력하세요."), code="name_required")
    if goal not in Campaign.Goal.values:
        raise CampaignError(_("캠페인 목표를 고르세요."), code="invalid_goal")
    if channel and channel not in (template.channels or []):
        raise CampaignError(
            _("'%(template)s' 템플릿에는 %(channel)s 채널이 없습니다.")
            % {"template": template.name, "channel": channel},
            code="invalid_channel",
        )
    if offer not in Campaign.Offer.values:
        raise CampaignError(_("혜택 종류가 올바르지 않습니다."), code="invalid_offer")
    if offer == Campaign.Offer.COUPON and (coupon is None or not coupon.active):
        raise CampaignError(_("쿠폰 혜택에는 사용 중인 쿠폰을 골라야 합니다."), code="coupon_required")
    if offer == Campaign.Offer.POINTS and not 0 < int(points or 0) <= 1_000_000:
        raise CampaignError(_("포인트 혜택은 1 이상 1,000,000 이하로 입력하세요."), code="points_required")
    share = Decimal(str(control_share))
    if not Decimal("0") <= share <= Decimal("0.5"):
        raise CampaignError(_("대조군 비율은 0%에서 50% 사이여야 합니다."), code="invalid_share")
    if not 1 <= int(window_days) <= 365:
        raise CampaignError(_("전환 측정 기간은 1일에서 365일 사이여야 합니다."), code="invalid_window")
    return Campaign.objects.create(
        name=name[:100],
        goal=goal,
        segment=segment,
        template=template,
        channel=channel,
        offer=offer,
        coupon=coupon if offer == Campaign.Offer.COUPON else None,
        points=int(points or 0) if offer == Campaign.Offer.POINTS else 0,
        send_at=send_at,
        window_days=int(window_days),
        control_share=share,
        seed=secrets.randbelow(2**31),
        created_by=by,
    )


@transaction.atomic
def campaign_launch(*, campaign: Campaign, by: User | None, now: dt.datetime | None = None) -> Campaign:
    """Queue the launch (a background task, at `send_at` if that is ahead). Only a draft launches: a second
    press, or two people at once, is refused and nothing is queued twice."""
    now = now or timezone.now()
    claimed = Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.DRAFT).update(
        status=Campaign.Status.QUEUED, launched_by=by, launched_at=now
    )
    if not claimed:
        raise CampaignError(_("이미 발송을 시작한 캠페인입니다."), code="already_launched")
    campaign.refresh_from_db()
    run_after = campaign.send_at if campaign.send_at and campaign.send_at > now else None
    pk = campaign.pk

    def enqueue() -> None:
        job = launch_campaign.using(run_after=run_after) if run_after else launch_campaign
        job.enqueue(pk)

    transaction.on_commit(enqueue)
    return campaign


def _capped(ids: list[int], *, now: dt.datetime) -> set[int]:
    """Customers who already got the most advertising messages the frequency cap allows."""
    cap = settings.DANGOL_CAMPAIGN_CAP_MESSAGES
    since = now - dt.timedelta(days=settings.DANGOL_CAMPAIGN_CAP_DAYS)
    return set(advertising_counts_since(ids, since=since, at_least=cap))


def _still_eligible(ids: list[int]) -> list[int]:
    """The ids (in order) that are still active customer records: a snapshot's ids re-checked live in one range
    query over the customers table (merged away or forgotten since the snapshot: left out)."""
    if not ids:
        return []
    alive = set(eligible_customers().filter(pk__gte=min(ids), pk__lte=max(ids)).values_list("pk", flat=True))
    return [pk for pk in ids if pk in alive]


def _members_now(segment: Segment, *, now: dt.datetime) -> tuple[list[int], dict[int, str] | None, str]:
    """The segment's customer ids at launch, the value tier of each when the source knew it, and the source: a
    dynamic segment is read from the segment snapshot when a usable one exists (one DuckDB scan, then each id
    re-checked live), the live tables otherwise. A dynamic segment is evaluated at send, so a launch reads a
    snapshot only while it is younger than DANGOL_SEGMENT_SNAPSHOT_LAUNCH_MAX_AGE_MINUTES (a win-back must not
    reach someone who bought since; the builder's count may use an older one, it shows its time). Consent and
    suspension are never taken from the snapshot: messaging checks them for every message."""
    fresh = dt.timedelta(minutes=settings.DANGOL_SEGMENT_SNAPSHOT_LAUNCH_MAX_AGE_MINUTES)
    info = snapshot_info(max_age=fresh) if segment.kind == Segment.Kind.DYNAMIC else None
    if info is None:
        return list(segment_member_ids(segment, now=now)), None, "live"
    ids, tiers = snapshot_members(segment.definition, path=info["path"], now=now)
    known = dict(zip(ids, tiers, strict=True))
    kept = _still_eligible(ids)
    return kept, {pk: known[pk] or "" for pk in kept}, "snapshot"


@transaction.atomic
def _assign(campaign: Campaign, *, now: dt.datetime) -> None:
    """Evaluate the segment and record every member with its arm (once: a rerun finds the members there).
    Set-based: one multi-row INSERT per chunk of members, a conflict (a rerun) leaves the row as it was."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.sent_at is not None:
        return
    ids, tiers, source = _members_now(campaign.segment, now=now)
    capped = _capped(ids, now=now) if campaign.template.kind == Kind.ADVERTISING else set()
    if capped:
        ids = [pk for pk in ids if pk not in capped]
    if tiers is None:
        tiers = value_tiers_of(ids)
    strata = [tiers.get(pk) or NO_STRATUM for pk in ids]
    held = assign_holdout(ids, strata, share=float(campaign.control_share), seed=campaign.seed)
    treated, control = CampaignMember.Arm.TREATED.value, CampaignMember.Arm.CONTROL.value
    insert_rows(
        CampaignMember,
        ("campaign_id", "customer_id", "arm", "stratum", "queued"),
        (
            (campaign.pk, pk, control if pk in held else treated, stratum, False)
            for pk, stratum in zip(ids, strata, strict=True)
        ),
        conflict=("campaign_id", "customer_id"),
    )
    results = {
        "segment": len(ids) + len(capped),
        "capped": len(capped),
        "treated": len(ids) - len(held),
        "control": len(held),
        "source": source,
        "errors": 0,
        "error_examples": [],
        "offers": 0,
        "offer_errors": 0,
    }
    Campaign.objects.filter(pk=campaign.pk).update(
        sent_at=now, progress_total=len(ids) - len(held), progress_done=0, results=results
    )


def _offer(campaign: Campaign, customer: Customer, *, by: User | None, now: dt.datetime) -> None:
    ref = f"{campaign.ref_prefix}{customer.pk}"
    if campaign.offer == Campaign.Offer.COUPON and campaign.coupon is not None:
        coupon_issue(definition=campaign.coupon, customer=customer, by=by, source_ref=ref, now=now)
    elif campaign.offer == Campaign.Offer.POINTS and campaign.points:
        points_earn(
            customer=customer,
            points=campaign.points,
            source=Source.CAMPAIGN,
            source_ref=f"campaign:{campaign.pk}",
            reason=f"캠페인 혜택: {campaign.name}"[:300],
            by=by,
            dedupe_key=ref,
            now=now,
        )


def _offer_text(campaign: Campaign) -> str:
    if campaign.offer == Campaign.Offer.COUPON and campaign.coupon is not None:
        return campaign.coupon.name
    if campaign.offer == Campaign.Offer.POINTS:
        return f"{campaign.points:,}P"
    return ""


def _customers_of(ids: list[int], *, full: bool) -> dict[int, Customer]:
    """A batch's customers by id: only the columns a message's draft reads (messaging's DRAFT_CUSTOMER_FIELDS),
    or the whole rows when an offer is issued too (the rewards services read more of them)."""
    qs = Customer.objects.all() if full else Customer.objects.only(*DRAFT_CUSTOMER_FIELDS)
    return {customer.pk: customer for customer in key_in(qs, "id", ids)}


def _batch_send(campaign: Campaign, *, now: dt.datetime, after: int = 0) -> int:
    """Queue one batch of treated members not yet handled, those with a member id above `after` (the caller's
    position, so a batch never re-reads the rows handled before it); the last member id handled (0: none left)."""
    with transaction.atomic():
        members: list[tuple[int, int]] = list(
            CampaignMember.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(campaign=campaign, arm=CampaignMember.Arm.TREATED, queued=False, pk__gt=after)
            .order_by("pk")
            .values_list("pk", "customer_id")[:BATCH]
        )
        if not members:
            return 0
        customers = _customers_of(
            [customer_id for _pk, customer_id in members], full=campaign.offer != Campaign.Offer.NONE
        )
        refs = {customer_id: f"{campaign.ref_prefix}customer:{customer_id}" for _pk, customer_id in members}
        offer = _offer_text(campaign)
        variables = {"혜택": offer} if offer else {}
        # a record deleted since the assignment is not in `customers`: nothing to send to it
        present = [customer_id for _pk, customer_id in members if customer_id in customers]
        result = messages_queue_bulk(
            recipients=[
                BulkRecipient(customer=customers[pk], purpose_ref=refs[pk], variables=variables)
                for pk in present
            ],
            template=campaign.template,
            channel=campaign.channel or None,
            by=campaign.launched_by,
            now=now,
            batch_size=BATCH,
        )
        offers = offer_errors = 0
        if campaign.offer != Campaign.Offer.NONE:
            statuses = statuses_of(list(refs.values()))
            not_sent = (None, Message.Status.BLOCKED, Message.Status.CANCELLED)
            for customer_id in present:
                if statuses.get(refs[customer_id]) in not_sent:
                    continue  # the customer is not told: no offer (and no cost) for a message that does not go
                try:
                    with transaction.atomic():
                        _offer(campaign, customers[customer_id], by=campaign.launched_by, now=now)
                    offers += 1
                except RewardsError:
                    offer_errors += 1
        key_in(CampaignMember.objects.all(), "id", [pk for pk, _customer_id in members]).update(queued=True)
        fresh = Campaign.objects.select_for_update().get(pk=campaign.pk)
        results = dict(fresh.results)
        results["errors"] = results.get("errors", 0) + len(result.errors)
        examples = results.get("error_examples", [])
        for exc in list(result.errors.values())[: max(0, 3 - len(examples))]:
            examples.append(" ".join(exc.messages)[:200])
        results["error_examples"] = examples
        results["offers"] = results.get("offers", 0) + offers
        results["offer_errors"] = results.get("offer_errors", 0) + offer_errors
        Campaign.objects.filter(pk=campaign.pk).update(
            results=results, progress_done=F("progress_done") + len(members)
        )
    return members[-1][0]


def campaign_run(campaign_id: int, *, now: dt.datetime | None = None) -> Campaign:
    """The launch task's body: safe to run twice or after a crash (it resumes where the members say it stopped)."""
    campaign = Campaign.objects.select_related("segment", "template", "coupon", "launched_by").get(
        pk=campaign_id
    )
    if campaign.status not in (Campaign.Status.QUEUED, Campaign.Status.RUNNING):
        return campaign
    now = now or timezone.now()
    Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.QUEUED).update(
        status=Campaign.Status.RUNNING
    )
    try:
        _assign(campaign, now=now)
        campaign.refresh_from_db()
        after = 0
        while after := _batch_send(campaign, now=now, after=after):
            pass
    except Exception as exc:
        logger.exception("campaign %s failed", campaign.pk)
        Campaign.objects.filter(pk=campaign.pk).update(
            status=Campaign.Status.FAILED, message=str(exc)[:500], finished_at=timezone.now()
        )
        raise
    campaign.refresh_from_db()
    results = {**campaign.results, "messages": outcomes(ref_prefix=campaign.ref_prefix)}
    Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.RUNNING).update(
        status=Campaign.Status.DONE, finished_at=timezone.now(), results=results
    )
    campaign.refresh_from_db()
    return campaign


@task()
def launch_campaign(campaign_id: int) -> str:
    """The launch job (queued by campaign_launch, run by the worker): loads the campaign and runs it; safe to
    retry, every step is keyed. It lives here, beside what it runs and what queues it, so that neither imports
    the other's module."""
    return campaign_run(campaign_id).status
