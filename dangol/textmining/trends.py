"""Weekly rising issues: which terms this week are well above their own baseline.

Rule: a term counts once per message. This week is the 7 days ending on ``now``; the baseline is the mean
weekly count over the ``weeks`` weeks before. A term is rising when it appears in at least 3 messages this
week, at least twice its baseline (baseline floored at 0.5 for new terms), and the Poisson upper tail
P(X ≥ count | λ = baseline) < 0.01. Sorted by that tail probability (smallest first), then by the excess.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence

from dangol.textmining import morph

MIN_COUNT = 3
MIN_RATIO = 2.0
MAX_P = 0.01
BASELINE_FLOOR = 0.5


def poisson_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam); summed upwards from k in the far tail so tiny values stay exact."""
    if k <= 0:
        return 1.0
    if k <= lam:
        term = math.exp(-lam)
        below = term
        for i in range(1, k):
            term *= lam / i
            below += term
        return max(0.0, 1.0 - below)
    term = math.exp(-lam + k * math.log(lam) - math.lgamma(k + 1))
    total = term
    i = k
    while term > total * 1e-16:
        i += 1
        term *= lam / i
        total += term
    return min(1.0, total)


_TERMS: dict[str, frozenset[str]] = {}
_TERMS_MAX = 200_000


def terms_of(texts: Sequence[str]) -> list[frozenset[str]]:
    """Keywords per text (masked first); each distinct text is read once per process (the board recomputes
    the same weeks every few minutes, and many cases share a title)."""
    from dangol.textmining.pii import mask_pii

    missing = [t for t in dict.fromkeys(texts) if t not in _TERMS]
    if len(_TERMS) + len(missing) > _TERMS_MAX:
        _TERMS.clear()
        missing = list(dict.fromkeys(texts))
    for i in range(0, len(missing), 2048):
        chunk = missing[i : i + 2048]
        found = morph.keywords([mask_pii(t)[0] for t in chunk], limit=20)
        for text, terms in zip(chunk, found, strict=True):
            _TERMS[text] = frozenset(terms)
    return [_TERMS[t] for t in texts]


def rising_terms(
    records: Sequence[tuple[dt.date, str]], *, now: dt.date, weeks: int = 8, min_count: int = MIN_COUNT
) -> list[dict[str, object]]:
    if isinstance(now, dt.datetime):
        now = now.date()
    weeks = max(1, int(weeks))
    oldest = now - dt.timedelta(days=7 * (weeks + 1) - 1)
    kept = []
    for day, text in records:
        d = day.date() if isinstance(day, dt.datetime) else day
        if oldest <= d <= now and text:
            kept.append((d, text))
    if not kept:
        return []
    per_week: list[Counter[str]] = [Counter() for _ in range(weeks + 1)]  # 0 = this week
    for (d, _), terms in zip(kept, terms_of([text for _, text in kept]), strict=True):
        per_week[(now - d).days // 7].update(terms)
    scored: list[tuple[float, float, str, dict[str, object]]] = []
    for term, count in per_week[0].items():
        if count < min_count:
            continue
        history = [per_week[w][term] for w in range(1, weeks + 1)]
        baseline = sum(history) / weeks
        lam = max(baseline, BASELINE_FLOOR)
        ratio = count / lam
        p = poisson_tail(count, lam)
        if ratio >= MIN_RATIO and p < MAX_P:
            p_value = float(f"{p:.3g}")
            scored.append(
                (
                    p_value,
                    -(count - baseline),
                    term,
                    {
                        "term": term,
                        "count": count,
                        "baseline": round(baseline, 3),
                        "ratio": round(ratio, 2),
                        "p_value": p_value,
                        "weekly": list(reversed(history)),
                    },
                )
            )
    scored.sort(key=lambda s: (s[0], s[1], s[2]))
    return [row for *_, row in scored]
