"""Customer value analytics: a pure library (no Django), the same Ibis code on DuckDB or PySpark.

    from dangol.analytics import analyze, Columns, Options
    scorecard, report = analyze("orders.csv", Columns("customer_id", "ordered_at", "amount"),
                                Options(end=datetime.date(2026, 11, 1)))

`scorecard` is a pyarrow Table (customer_id, frequency, recency, T, monetary, rfm_r, rfm_f, rfm_m, rfm_segment,
probability_alive, expected_purchases, clv, value_tier, stage); `report` is the dict written to report.json.
Models: BG/NBD (Fader, Hardie & Lee 2005) and Gamma-Gamma (Fader & Hardie 2013) in `bgnbd`, `gammagamma`.
"""

from dangol.analytics.engine import Columns, InputError
from dangol.analytics.pipeline import Options, analyze

__all__ = ["Columns", "InputError", "Options", "analyze"]
