import datetime as dt

from dangol.rewards.coupons import coupons_issue_birthday
from dangol.rewards.models import CouponDefinition, CouponIssue, Membership, TierChange
from dangol.rewards.selectors import customer_priority_service, customer_rewards_summary
from dangol.rewards.tests.conftest import NOW, at, place_order
from dangol.rewards.tiers import tiers_evaluate, tiers_evaluate_monthly


def buy_monthly(customer, *, months, amount, end=NOW):
    """One order on a different day in each of the `months` months before `end`."""
    for i in range(months):
        place_order(customer, amount, when=end - dt.timedelta(days=30 * i + 1))


def tier_of(customer):
    return Membership.objects.select_related("tier").get(pk=customer.pk).tier.code


def test_tiers_qualify_on_spend_or_visits_in_the_rolling_window(shop, tiers):
    hong, kim = shop["hong"], shop["kim"]
    buy_monthly(hong, months=6, amount=20_000)  # ₩120,000 on 6 days: silver by visits
    buy_monthly(kim, months=2, amount=200_000)  # ₩400,000 on 2 days: silver by spend
    place_order(kim, 900_000, when=at(-400))  # outside the 12-month window: does not count
    assert tiers_evaluate(now=NOW) == {"initial": 2}
    assert tier_of(hong) == tier_of(kim) == "silver"
    gold_spender = shop["hong"]
    place_order(gold_spender, 2_000_000, when=at(-3))  # gold needs spend AND 12 purchase days
    tiers_evaluate(now=NOW)
    assert tier_of(hong) == "silver"
    buy_monthly(hong, months=12, amount=10_000, end=at(-2))
    assert tiers_evaluate(now=NOW) == {"upgrade": 1}
    assert tier_of(hong) == "gold" and customer_priority_service(hong.pk)
    change = TierChange.objects.filter(customer=hong).first()
    assert (change.kind, change.from_tier.code, change.to_tier.code) == ("upgrade", "silver", "gold")


def test_a_member_who_stops_buying_keeps_the_tier_through_the_grace_period_then_moves_down(
    shop, tiers, program
):
    hong = shop["hong"]
    buy_monthly(hong, months=6, amount=60_000, end=at(-300))
    assert tiers_evaluate(now=at(-300)) == {"initial": 1} and tier_of(hong) == "silver"
    # two months after the window has passed the purchases, the member no longer qualifies
    assert tiers_evaluate(now=at(160)) == {"grace": 1}
    member = Membership.objects.get(pk=hong.pk)
    assert tier_of(hong) == "silver" and member.grace_until == dt.date(2027, 7, 29)
    assert tiers_evaluate(now=at(190)) == {}  # still inside the grace
    assert tier_of(hong) == "silver"
    assert tiers_evaluate(now=at(252)) == {"downgrade": 1}
    assert tier_of(hong) == "welcome" and Membership.objects.get(pk=hong.pk).grace_until is None
    kinds = list(TierChange.objects.filter(customer=hong).order_by("at").values_list("kind", flat=True))
    assert kinds == ["initial", "grace", "downgrade"]


def test_buying_again_during_the_grace_keeps_the_tier(shop, tiers):
    hong = shop["hong"]
    buy_monthly(hong, months=6, amount=60_000, end=at(-330))
    tiers_evaluate(now=at(-330))
    tiers_evaluate(now=at(60))
    assert Membership.objects.get(pk=hong.pk).grace_until is not None
    place_order(hong, 400_000, when=at(70))
    assert tiers_evaluate(now=at(90)) == {"recovered": 1}
    member = Membership.objects.get(pk=hong.pk)
    assert member.tier.code == "silver" and member.grace_until is None


def test_the_monthly_job_runs_once_per_month(shop, tiers):
    place_order(shop["hong"], 10_000, when=at(-1))
    assert tiers_evaluate_monthly(now=NOW) == {"initial": 1}
    assert tiers_evaluate_monthly(now=at(5)) is None
    assert tiers_evaluate_monthly(now=at(15)) == {}  # December


def test_summary_shows_the_tier_and_the_progress_to_the_next(shop, tiers):
    hong = shop["hong"]
    buy_monthly(hong, months=3, amount=50_000)
    tiers_evaluate(now=NOW)
    progress = customer_rewards_summary(hong, now=NOW).membership
    assert progress.tier.code == "welcome" and progress.next_tier.code == "silver"
    assert progress.spend_needed == 150_000 and progress.visits_needed == 3 and progress.percent == 50


def test_birthday_coupon_once_a_year_for_members_of_a_tier_that_gives_it(shop, tiers):
    coupon = CouponDefinition.objects.create(code="bday", name="생일 축하 쿠폰", value=5000, valid_days=30)
    tiers["welcome"].birthday_coupon = coupon
    tiers["welcome"].save()
    hong = shop["hong"]  # born 17 May
    place_order(hong, 10_000, when=at(-1))
    tiers_evaluate(now=NOW)
    birthday = dt.datetime(2027, 5, 17, 9, 0, tzinfo=NOW.tzinfo)
    assert coupons_issue_birthday(now=birthday - dt.timedelta(days=1)) == 0
    assert coupons_issue_birthday(now=birthday) == 1
    coupons_issue_birthday(now=birthday + dt.timedelta(hours=3))
    assert CouponIssue.objects.filter(customer=hong).count() == 1
