"""The relationship ladder (001 관계 맺기) on hand-made customers: one per stage and each boundary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from dangol.analytics import Columns, Options, analyze, segments
from dangol.analytics.segments import LadderRules, ladder_stage

RULES = LadderRules()  # 단골 from 2 purchases; 이탈 우려 after 180 days (one purchase) or P(alive) < 0.5;
# 거래 중단 after 365 days or P(alive) < 0.2


@pytest.mark.parametrize(
    ("customer", "stage"),
    [
        # one per stage
        ({"purchases": 0}, "prospect"),
        ({"purchases": 1, "days_since_last": 30, "p_alive": 1.0}, "first_purchase"),
        ({"purchases": 5, "days_since_last": 30, "p_alive": 0.9}, "regular"),
        ({"purchases": 5, "days_since_last": 30, "p_alive": 0.9, "promoter": True}, "advocate"),
        (
            {"purchases": 5, "days_since_last": 30, "p_alive": 0.9, "promoter": True, "tier": "초우량"},
            "partner",
        ),
        ({"purchases": 3, "days_since_last": 30, "p_alive": 0.9, "partner_flag": True}, "partner"),
        ({"purchases": 1, "days_since_last": 200, "p_alive": 1.0}, "at_risk"),
        ({"purchases": 8, "days_since_last": 90, "p_alive": 0.35}, "at_risk"),
        ({"purchases": 1, "days_since_last": 400, "p_alive": 1.0}, "lapsed"),
        # the complaint of issue 13: hundreds of orders, then silence → not 첫 거래
        ({"purchases": 336, "days_since_last": 120, "p_alive": 0.0001}, "lapsed"),
        # boundaries
        ({"purchases": 1, "days_since_last": 180, "p_alive": 1.0}, "first_purchase"),  # 180 is not > 180
        ({"purchases": 1, "days_since_last": 181, "p_alive": 1.0}, "at_risk"),
        ({"purchases": 1, "days_since_last": 365, "p_alive": 1.0}, "at_risk"),
        ({"purchases": 1, "days_since_last": 366, "p_alive": 1.0}, "lapsed"),
        ({"purchases": 2, "days_since_last": 10, "p_alive": 0.5}, "regular"),  # 0.5 is not < 0.5
        ({"purchases": 2, "days_since_last": 10, "p_alive": 0.4999}, "at_risk"),
        ({"purchases": 2, "days_since_last": 10, "p_alive": 0.2}, "at_risk"),
        ({"purchases": 2, "days_since_last": 10, "p_alive": 0.1999}, "lapsed"),
        ({"purchases": 9, "days_since_last": 366, "p_alive": 0.9}, "lapsed"),  # a year of silence is over
        ({"purchases": 9, "days_since_last": 200, "p_alive": 0.9}, "regular"),  # days alone judge one-timers
        # a one-time buyer's P(alive) (1 in the model) neither keeps nor loses them
        ({"purchases": 1, "days_since_last": 10, "p_alive": 0.01}, "first_purchase"),
        # a promoter who bought once is not an advocate yet; a lapsed partner is lapsed
        ({"purchases": 1, "days_since_last": 10, "p_alive": 1.0, "promoter": True}, "first_purchase"),
        ({"purchases": 9, "days_since_last": 400, "partner_flag": True, "tier": "초우량"}, "lapsed"),
        # the model failed for a customer (no P(alive)): judged by purchases and days only
        ({"purchases": 4, "days_since_last": 30}, "regular"),
    ],
)
def test_each_stage_and_boundary_on_hand_made_customers(customer, stage):
    assert ladder_stage(**customer) == stage


def test_the_rules_are_one_table_tried_in_order_and_cover_every_stage():
    definitions = RULES.definitions()
    assert [d.stage for d in definitions] == [
        "prospect",
        "lapsed",
        "at_risk",
        "partner",
        "advocate",
        "regular",
        "first_purchase",
    ]
    assert set(segments.STAGES) == {d.stage for d in definitions}
    # the report carries the same table as data, thresholds included
    as_data = segments.ladder_definitions(LadderRules(lapsed_days=400))
    lapsed = next(d for d in as_data if d["stage"] == "lapsed")
    assert {"feature": "days_since_last", "op": ">", "value": 400} in lapsed["any_of"][0]


def test_thresholds_are_settings_not_code():
    loose = LadderRules(repeat_purchases=3, at_risk_days=30)
    assert ladder_stage(purchases=2, days_since_last=10, p_alive=0.9) == "regular"
    assert segments.ladder_stages({"purchases": np.array([2])}, loose)[0] == "first_purchase"
    assert (
        segments.ladder_stages({"purchases": np.array([1]), "days_since_last": np.array([31.0])}, loose)[0]
        == "at_risk"
    )


def test_engine_stages_follow_the_rules_end_to_end(tmp_path: Path):
    """A heavy buyer who stopped, a one-time buyer of last week and of two years ago, a steady regular."""
    rows = ["customer,date,amount"]
    start = dt.date(2023, 1, 2)
    rows += [f"heavy,{start + dt.timedelta(days=3 * k)},10000" for k in range(120)]  # stops mid-2024
    rows += ["new,2025-06-20,30000", "old,2023-06-01,30000"]
    rows += [f"steady,{dt.date(2024, 7, 1) + dt.timedelta(days=30 * k)},20000" for k in range(12)]
    path = tmp_path / "tx.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    card, report = analyze(path, Columns("customer", "date", "amount"), Options(end=dt.date(2025, 6, 25)))
    stage = dict(zip(card["customer_id"].to_pylist(), card["stage"].to_pylist(), strict=True))
    assert stage == {"heavy": "lapsed", "new": "first_purchase", "old": "lapsed", "steady": "regular"}
    assert report["stages"]["lapsed"] == 2 and report["ladder"][0]["stage"] == "prospect"
