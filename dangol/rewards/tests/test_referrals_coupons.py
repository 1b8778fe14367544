import datetime as dt

import pytest

from dangol.customers.services import customer_create
from dangol.orders.services import order_refund
from dangol.rewards import earning, services
from dangol.rewards.coupons import coupon_issue, coupon_redeem, reward_redeem
from dangol.rewards.ledger import RewardsError
from dangol.rewards.models import CouponDefinition, PointBalance, Referral, Reward
from dangol.rewards.referrals import referral_code_for, referral_register
from dangol.rewards.selectors import referral_funnel
from dangol.rewards.tests.conftest import NOW, at, available, give, place_order


def newcomer(name="박신규", phone="01077778888", **extra):
    return customer_create(data={"name": name, "phone": phone, **extra})


def points(customer):
    b = PointBalance.objects.filter(pk=customer.pk).first()
    return (b.available, b.pending, b.debt) if b else (0, 0, 0)


def test_the_referees_first_qualifying_purchase_rewards_both(shop, tiers, program):
    hong = shop["hong"]
    code = referral_code_for(hong).code
    assert referral_code_for(hong).code == code and len(code) == 8
    park = newcomer()
    referral = referral_register(code=code.lower(), referee=park, now=at(-10))
    assert referral.status == "registered"
    small = place_order(park, 10_000, when=at(-9))  # below the ₩30,000 minimum: not yet
    earning.points_earn_for_order(order=small, now=at(-9))
    assert Referral.objects.get().status == "registered"
    first = place_order(park, 50_000, when=at(-8))
    earning.points_earn_for_order(order=first, now=at(-8))
    referral.refresh_from_db()
    assert referral.status == "rewarded" and referral.qualifying_order == first
    assert points(park) == (0, 100 + 500 + 2000, 0)
    assert points(hong) == (0, 3000, 0)
    with pytest.raises(RewardsError) as raised:
        referral_register(code=code, referee=park)
    assert raised.value.error_code == "already_referred"


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"phone": "010-1234-5678"}, "전화번호"),
        ({"email": "GILDONG@example.com"}, "이메일"),
        ({"address": "서울특별시 강남구  테헤란로 1"}, "주소"),
    ],
)
def test_self_referral_by_the_same_contact_or_address_is_rejected_and_recorded(shop, tiers, extra, reason):
    code = referral_code_for(shop["hong"]).code
    fields = {"phone": "01011112222", **extra}
    referral = referral_register(code=code, referee=newcomer(**fields))
    assert referral.status == "rejected" and reason in referral.reject_reason
    assert referral_funnel()["rejected"] == 1


def test_referring_yourself_or_an_existing_buyer_earns_nothing(shop, tiers):
    hong, kim = shop["hong"], shop["kim"]
    code = referral_code_for(hong).code
    assert referral_register(code=code, referee=hong).status == "rejected"
    place_order(kim, 40_000, when=at(-100))
    assert "이미 구매" in referral_register(code=code, referee=kim, now=NOW).reject_reason
    with pytest.raises(RewardsError):
        referral_register(code="NOPE1234", referee=newcomer())


def test_the_referrer_is_rewarded_up_to_the_monthly_cap(shop, tiers, program):
    program.referral_monthly_cap = 2
    program.save()
    hong = shop["hong"]
    code = referral_code_for(hong).code
    for i in range(3):
        friend = newcomer(name=f"친구{i}", phone=f"0107000000{i}")
        referral_register(code=code, referee=friend, now=at(-5))
        earning.points_earn_for_order(
            order=place_order(friend, 40_000, when=at(-4 + i * 0.1)), now=at(-4 + i * 0.1)
        )
    assert points(hong) == (0, 6000, 0)
    capped = Referral.objects.get(referrer_capped=True)
    assert capped.status == "rewarded" and points(capped.referee)[1] == 400 + 2000


def test_refunding_the_qualifying_order_reverses_both_rewards(shop, tiers, program):
    hong = shop["hong"]
    park = newcomer()
    referral_register(code=referral_code_for(hong).code, referee=park, now=at(-40))
    order = place_order(park, 50_000, when=at(-30))
    earning.points_earn_for_order(order=order, now=at(-30))
    services.points_confirm_due(now=at(-10))
    assert points(hong) == (3000, 0, 0)
    order_refund(
        order=order, amount=30_000, reason="반품", by=shop["manager"], at=NOW
    )  # net ₩20,000 < ₩30,000
    assert Referral.objects.get().status == "reversed"
    assert points(hong) == (0, 0, 0) and points(park) == (0 + 200, 0, 0)
    assert services.points_check(hong) == [] and services.points_check(park) == []
    assert referral_funnel() | {"codes": 0} == {
        "codes": 0,
        "registered": 1,
        "rewarded": 1,
        "kept": 0,
        "reversed": 1,
        "rejected": 0,
        "capped": 0,
    }


@pytest.fixture
def coupon(db):
    return CouponDefinition.objects.create(
        code="welcome-5000", name="5천원 할인", value=5000, min_spend_won=30_000, valid_days=30
    )


def test_a_coupon_is_used_once_with_idempotency(shop, coupon):
    hong = shop["hong"]
    issue = coupon_issue(definition=coupon, customer=hong, by=shop["agent"], now=NOW)
    used = coupon_redeem(
        code=issue.code, customer=hong, idempotency_key="c-1", order_amount=40_000, by=None, now=NOW
    )
    assert used.status == "redeemed" and used.discount_won == 5000
    again = coupon_redeem(
        code=issue.code, customer=hong, idempotency_key="c-1", order_amount=40_000, by=None, now=NOW
    )
    assert again.redeemed_at == used.redeemed_at
    for kwargs, code in (
        ({"idempotency_key": "c-2"}, "coupon_used"),
        ({"order_amount": 50_000}, "idempotency_key_reused"),
    ):
        args = {
            "code": issue.code,
            "customer": hong,
            "idempotency_key": "c-1",
            "order_amount": 40_000,
            "by": None,
            "now": NOW,
            **kwargs,
        }
        with pytest.raises(RewardsError) as raised:
            coupon_redeem(**args)
        assert raised.value.error_code == code


@pytest.mark.parametrize(
    ("when", "amount", "who", "code"),
    [
        (at(31), 40_000, "hong", "coupon_expired"),
        (NOW, 20_000, "hong", "below_min_spend"),
        (NOW, 40_000, "kim", "coupon_not_found"),
        (NOW, -1, "hong", "invalid_input"),
    ],
)
def test_a_coupon_that_cannot_be_used_is_refused_and_stays_unused(shop, coupon, when, amount, who, code):
    issue = coupon_issue(definition=coupon, customer=shop["hong"], by=None, now=NOW)
    with pytest.raises(RewardsError) as raised:
        coupon_redeem(
            code=issue.code, customer=shop[who], idempotency_key="x", order_amount=amount, by=None, now=when
        )
    assert raised.value.error_code == code
    issue.refresh_from_db()
    assert issue.status == "issued" and issue.redeem_key is None


def test_points_buy_a_reward_coupon_once_per_key_while_stock_lasts(shop, program, coupon):
    hong = shop["hong"]
    give(hong, 5000, when=at(-3))
    reward = Reward.objects.create(code="coffee", name="커피 쿠폰", points_cost=2000, coupon=coupon, stock=1)
    first = reward_redeem(reward=reward, customer=hong, idempotency_key="r-1", by=None, now=NOW)
    assert reward_redeem(reward=reward, customer=hong, idempotency_key="r-1", by=None, now=NOW).pk == first.pk
    assert available(hong) == 3000
    with pytest.raises(RewardsError) as raised:
        reward_redeem(reward=reward, customer=hong, idempotency_key="r-2", by=None, now=NOW)
    assert raised.value.error_code == "out_of_stock" and available(hong) == 3000
    reward.refresh_from_db()
    reward.stock = 5
    reward.points_cost = 4000
    reward.save()
    with pytest.raises(RewardsError) as raised:
        reward_redeem(reward=reward, customer=hong, idempotency_key="r-3", by=None, now=NOW)
    assert raised.value.error_code == "insufficient_points"
    reward.refresh_from_db()
    assert reward.stock == 5 and available(hong) == 3000  # the stock came back with the refusal
    assert dt.timedelta(days=30) == first.valid_until - first.issued_at
