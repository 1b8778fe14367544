"""BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out
with probability p ~ Beta(a, b). For a customer with x repeat purchases, last at t_x, observed
for T time units, the likelihood (eq. 6) is

    L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
        + 1{x>0} · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)).

It is fitted by maximum likelihood in log space with analytic gradients (L-BFGS-B on log-parameters),
on weighted rows: customers with the same (x, t_x, T) are one row with a count. On many rows the fit starts on
a sample of them and finishes with Newton steps over all rows (`_newton`).
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


class _Lazy:
    """A module imported on first attribute access. SciPy's special functions take 0.3–1 s to import; the
    pipeline imports them in a background thread while the engine reads the data (`pipeline.warm_imports`)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


special = _Lazy("scipy.special")

PARAMS = ("r", "alpha", "a", "b")
LOG_BOUNDS = (np.log(1e-6), np.log(1e6))
WARM_START_ROWS = 20_000


@dataclass
class BgNbdFit:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    converged: bool
    message: str
    at_boundary: list[str] = field(default_factory=list)
    n_customers: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def wsum(w: np.ndarray, v: np.ndarray) -> float:
    """Σ w·v without BLAS: `np.dot` on long vectors hands the work to OpenBLAS's thread pool, which on a busy
    2-core machine made each likelihood evaluation 50× slower (113 ms instead of 2 ms for 65k rows)."""
    return float(np.add.reduce(w * v))


def by_x(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct purchase counts and each row's index into them: the special functions of both models depend
    on x only, and x has a few hundred values where the rows are hundreds of thousands."""
    ux, xi = np.unique(x, return_inverse=True)
    return ux, xi.reshape(-1)


def _terms(
    log_params: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    xs: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[Any, ...]:
    """The two log-terms of each row's likelihood (a1 + logaddexp(a2, a3)) and the pieces the gradient reuses."""
    r, alpha, a, b = np.exp(log_params)
    ux, xi = xs if xs is not None else by_x(x)
    has = x > 0
    betaln_ab = special.betaln(a, b)
    log_aT = np.log(alpha + T)
    log_atx = np.log(alpha + np.where(has, t_x, 1.0))
    a1 = (special.gammaln(r + ux) - special.gammaln(r))[xi] + r * np.log(alpha)
    a2 = (special.betaln(a, b + ux) - betaln_ab)[xi] - (r + x) * log_aT
    with np.errstate(invalid="ignore", divide="ignore"):
        b3 = np.where(ux > 0, special.betaln(a + 1, np.where(ux > 0, b + ux - 1, 1.0)) - betaln_ab, -np.inf)
    a3 = np.where(has, b3[xi] - (r + x) * log_atx, -np.inf)
    return r, alpha, a, b, ux, xi, has, a1, a2, a3, log_aT, log_atx


def log_likelihood_per_row(
    log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray
) -> np.ndarray:
    """ln L_i for every row (the full likelihood on the original time scale)."""
    *_, a1, a2, a3, _log_aT, _log_atx = _terms(log_params, x, t_x, T)
    return a1 + np.logaddexp(a2, a3)


def _prepare(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray) -> tuple[Any, ...]:
    """What does not change between evaluations: the distinct x, T and t_x values and each row's index into
    them (T and t_x are whole days over the unit: a thousand values where the rows are hundreds of thousands),
    and the weight at each x."""
    ux, xi = by_x(x)
    uT, Ti = np.unique(T, return_inverse=True)
    utx, txi = np.unique(np.where(x > 0, t_x, 1.0), return_inverse=True)
    w_x = np.bincount(xi, weights=w, minlength=len(ux))
    return ux, xi, uT, Ti.reshape(-1), utx, txi.reshape(-1), w_x, float(np.add.reduce(w))


def _neg_ll_and_grad(
    log_params: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    w: np.ndarray,
    pre: tuple[Any, ...] | None = None,
) -> tuple[float, np.ndarray]:
    """−ln L and its gradient in log-parameters (`pre` = `_prepare(x, t_x, T, w)`). Terms of x alone are summed
    per distinct x with the weight there; logarithms of α + T and α + t_x are taken once per distinct value;
    per row remain the two log-terms, their log-sum and the second term's share s3:
    ln L_i = a1(x) + logaddexp(a2, a3), and every derivative is a per-x part plus a sum weighted by s3."""
    r, alpha, a, b = np.exp(log_params)
    ux, xi, uT, Ti, utx, txi, w_x, n = pre if pre is not None else _prepare(x, t_x, T, w)
    log_alpha = np.log(alpha)
    betaln_ab = special.betaln(a, b)
    pos = ux > 0
    c1 = special.gammaln(r + ux) - special.gammaln(r)
    c2 = special.betaln(a, b + ux) - betaln_ab
    with np.errstate(invalid="ignore", divide="ignore"):
        c3 = np.where(pos, special.betaln(a + 1, np.where(pos, b + ux - 1, 1.0)) - betaln_ab, -np.inf)
    log_aT = np.log(alpha + uT)[Ti]
    log_atx = np.log(alpha + utx)[txi]
    rx = r + x
    a2 = c2[xi] - rx * log_aT
    a3 = c3[xi] - rx * log_atx  # −inf where x = 0
    both = np.logaddexp(a2, a3)
    ws3 = w * np.exp(a3 - both)  # weight × share of the second term (0 where x = 0)
    ll = wsum(w_x, c1) + n * r * log_alpha + wsum(w, both)
    d_r = (
        wsum(w_x, special.digamma(r + ux) - special.digamma(r))
        + n * log_alpha
        - wsum(w, log_aT)
        - wsum(ws3, log_atx - log_aT)
    )
    inv_T = (1.0 / (alpha + uT))[Ti]
    inv_tx = (1.0 / (alpha + utx))[txi]
    d_alpha = n * r / alpha - wsum(w * rx, inv_T) - wsum(ws3 * rx, inv_tx - inv_T)
    psi = special.digamma(a + b) - special.digamma(a + b + ux)  # per x
    s3_x = np.bincount(xi, weights=ws3, minlength=len(ux))  # weighted share of the second term, per x
    d_a = wsum(w_x, psi) + (special.digamma(a + 1) - special.digamma(a)) * float(np.add.reduce(s3_x))
    d1 = special.digamma(b + ux) - special.digamma(b)
    d2 = special.digamma(np.where(pos, b + ux - 1, 1.0)) - special.digamma(b)
    d_b = wsum(w_x, d1 + psi) + wsum(s3_x, np.where(pos, d2 - d1, 0.0))
    grad = np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return -ll, -grad


def compress(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, ...]:
    """Identical (x, t_x, T) rows become one row with a weight."""
    ux, ut, uT, counts, _inverse = compress_index(x, t_x, T)
    return ux, ut, uT, counts


def compress_index(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, ...]:
    """(x, t_x, T) of the distinct rows, their counts, and each input row's index into them."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    first, inverse, counts = _group_rows(x, t_x, T)
    return x[first], t_x[first], T[first], counts.astype(float), inverse


def _group_rows(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows equal in every column: one row of each group (a representative: every column is equal within the
    group), every row's group, and the group sizes. Groups are numbered in the columns' lexicographic order.

    Each column is coded by the rank of its value among the column's distinct values, the codes combined into
    one integer key, and the keys grouped by one sort (far faster than `np.unique(axis=0)` on floats, and than
    `np.unique` with `return_index`/`return_inverse`, which sort indirectly and stably)."""
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    key = np.zeros(n, dtype=np.int64)
    for column in columns:
        distinct, codes = _value_codes(np.asarray(column, dtype=float))
        key = key * distinct + codes
    order = np.argsort(key)
    new_group = _run_starts(key[order], finite=True)
    starts = np.flatnonzero(new_group)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.cumsum(new_group) - 1
    counts = np.diff(np.append(starts, n))
    return order[starts], inverse, counts


def _value_codes(values: np.ndarray) -> tuple[int, np.ndarray]:
    """How many distinct values, and each value's rank among them (`np.unique(values, return_inverse=True)`,
    NaNs one value): whole numbers in a short range (purchase counts, days) by counting, and so are whole days
    over a week (t_x and T in weeks: exactly the doubles d / 7, whose order and equality are those of d);
    otherwise from one unstable sort (NumPy's vectorised quicksort: about half the time of `np.unique`'s
    inverse)."""
    n = len(values)
    finite = bool(np.isfinite(values).all())
    if finite and n:
        for scale in (1.0, 7.0):
            whole = values if scale == 1.0 else np.rint(values * scale)
            low, high = float(whole.min()), float(whole.max())
            if high - low > 4 * n + 1024:
                break
            exact = whole == np.floor(whole) if scale == 1.0 else whole / scale == values
            if bool(exact.all()):
                offsets = (whole - low).astype(np.int64)
                present = np.bincount(offsets) > 0
                return int(np.count_nonzero(present)), (np.cumsum(present) - 1)[offsets]
    order = np.argsort(values)
    new_value = _run_starts(values[order], finite)
    codes = np.empty(n, dtype=np.int64)
    codes[order] = np.cumsum(new_value) - 1
    return int(np.count_nonzero(new_value)), codes


def _run_starts(ordered: np.ndarray, finite: bool = False) -> np.ndarray:
    """True where a sorted array's value differs from the one before (NaNs equal each other)."""
    new_value = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        new_value[0] = True
        same = ordered[1:] == ordered[:-1]
        if not finite:
            same |= np.isnan(ordered[1:]) & np.isnan(ordered[:-1])
        np.logical_not(same, out=new_value[1:])
    return new_value


def fit(
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    initial: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
) -> BgNbdFit:
    """Maximum-likelihood BG/NBD. Never raises on awkward data: a parameter that runs to its bound is
    returned at the bound with a diagnostic (e.g. nobody drops out → a → 0 or b → ∞)."""
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    if weights is None:
        x, t_x, T, w = compress(x, t_x, T)
    else:
        w = np.asarray(weights, dtype=float)
    n = int(w.sum())
    if n == 0:
        return BgNbdFit(
            float("nan"),
            float("nan"),
            float("nan"),
            float("nan"),
            float("nan"),
            False,
            "고객이 없어 모형을 적합할 수 없습니다 (no customers)",
            [],
            0,
        )
    scale = max(float(np.max(T)), 1e-9) / 10.0  # fit on a rescaled time axis for conditioning, then undo
    start = np.log(np.array([initial[0], initial[1], initial[2], initial[3]]))
    from scipy import optimize  # imported on first use (≈ 0.3–1 s): see pipeline.warm_imports

    def minimise(rows: slice, start: np.ndarray) -> Any:
        xr = x[rows]
        return optimize.minimize(
            _neg_ll_and_grad,
            start,
            args=(
                xr,
                t_x[rows] / scale,
                T[rows] / scale,
                w[rows],
                _prepare(xr, t_x[rows] / scale, T[rows] / scale, w[rows]),
            ),
            jac=True,
            method="L-BFGS-B",
            bounds=[LOG_BOUNDS] * 4,
            options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-8},
        )

    result: Any = None
    if len(x) > 4 * WARM_START_ROWS:
        # A starting point from every k-th row (about WARM_START_ROWS rows, a few ms per evaluation): the
        # full fit then starts near its optimum and needs fewer evaluations over all rows. The optimum is
        # the full data's; only the path to it changes: Newton steps with the sample's curvature (`_newton`),
        # else L-BFGS-B.
        sample = slice(None, None, len(x) // WARM_START_ROWS)
        start = minimise(sample, start).x
        newton = _newton(start, x, t_x / scale, T / scale, w, sample)
        if newton is not None:
            result = optimize.OptimizeResult(x=newton, success=True, message="Newton")
    if result is None:
        result = minimise(slice(None), start)
    log_params = result.x.copy()
    # within a factor of 10 of a bound counts as at the bound: the optimiser stops short of it on flat ridges
    # (nobody drops out: a → 0 while b grows), and such a solution must carry the diagnostic
    margin = np.log(10.0)
    at_boundary = [
        name
        for name, value in zip(PARAMS, log_params, strict=True)
        if value <= LOG_BOUNDS[0] + margin or value >= LOG_BOUNDS[1] - margin
    ]
    r, alpha_scaled, a, b = np.exp(log_params)
    alpha = alpha_scaled * scale  # α is a time scale: rescale back to the data's unit
    ll = wsum(w, log_likelihood_per_row(np.log([r, alpha, a, b]), x, t_x, T))
    if at_boundary:
        hint = " (almost nobody drops out: P(alive) ≈ 1)" if {"a", "b"} & set(at_boundary) else ""
        message = (
            f"경계해: {', '.join(at_boundary)} 가 범위 끝에 도달했습니다{hint}. parameter(s) at bound: "
            f"{', '.join(at_boundary)}{hint}"
        )
    else:
        message = "수렴" if result.success else f"수렴하지 않음: {result.message}"
    return BgNbdFit(
        float(r), float(alpha), float(a), float(b), ll, bool(result.success), message, at_boundary, n
    )


NEWTON_STEP = 1e-7  # in log-parameters: the last Newton step's size where `_newton` stops
NEWTON_ITERATIONS = 30


def _newton(
    start: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray, w: np.ndarray, sample: slice
) -> np.ndarray | None:
    """The full data's optimum from `start` (the optimum on the rows `sample`), by Newton steps whose Hessian
    is the sample's (central differences of its analytic gradient, scaled to the full data's weight): the
    sample's curvature is within a few % of the full data's, so each step gains more than a digit and the fit
    takes 4–6 likelihood evaluations over all rows instead of the 14 L-BFGS-B needed from the same start. It
    stops when a step moves no log-parameter by more than NEWTON_STEP (the optimum then to ≈ 1e-8, as close
    as L-BFGS-B's own stopping rule gets). None — and L-BFGS-B over all rows — when the start lies near a
    bound (the boundary diagnostics are L-BFGS-B's), when the sample's curvature is not positive definite, or
    when a step does not lower −ln L."""
    low, high = LOG_BOUNDS
    margin = 2 * np.log(10.0)
    if np.any(start <= low + margin) or np.any(start >= high - margin):
        return None
    xs, txs, Ts, ws = x[sample], t_x[sample], T[sample], w[sample]
    pre = _prepare(xs, txs, Ts, ws)
    h = 1e-5
    hessian = np.empty((4, 4))
    for i in range(4):
        step = np.zeros(4)
        step[i] = h
        up = _neg_ll_and_grad(start + step, xs, txs, Ts, ws, pre)[1]
        down = _neg_ll_and_grad(start - step, xs, txs, Ts, ws, pre)[1]
        hessian[:, i] = (up - down) / (2 * h)
    hessian = (hessian + hessian.T) / 2 * (float(np.add.reduce(w)) / float(np.add.reduce(ws)))
    if not np.all(np.isfinite(hessian)) or np.any(np.linalg.eigvalsh(hessian) <= 0):
        return None
    pre = _prepare(x, t_x, T, w)
    params = np.asarray(start, dtype=float)
    value, grad = _neg_ll_and_grad(params, x, t_x, T, w, pre)
    for _ in range(NEWTON_ITERATIONS):
        move = np.linalg.solve(hessian, grad)
        if not np.all(np.isfinite(move)):
            return None
        if float(np.max(np.abs(move))) <= NEWTON_STEP:
            return params - move  # type: ignore[no-any-return]
        trial = params - move
        if np.any(trial <= low + margin) or np.any(trial >= high - margin):
            return None
        trial_value, trial_grad = _neg_ll_and_grad(trial, x, t_x, T, w, pre)
        if not np.isfinite(trial_value) or trial_value > value + 1e-9 * abs(value):
            return None
        params, value, grad = trial, trial_value, trial_grad
    return None


def probability_alive(fit_: BgNbdFit, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))  (FHL 2005, eq. 11)."""
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    r, alpha, a, b = fit_.r, fit_.alpha, fit_.a, fit_.b
    has = x > 0
    log_ratio = np.where(
        has,
        np.log(a)
        - np.log(np.where(has, b + x - 1, 1.0))
        + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)),
        -np.inf,
    )
    return 1.0 / (1.0 + np.exp(log_ratio))


def x_t_groups(x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows with the same (x, T): the first row of each group and every row's group. 2F1 depends on these
    two only, and they repeat far more than (x, t_x, T) do."""
    first, inverse, _counts = _group_rows(x, T)
    return first, inverse


def expected_purchases(
    fit_: BgNbdFit,
    t: float,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,
    *,
    groups: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """E[X(T, T+t) | x, t_x, T]  (FHL 2005, eq. 10), with the Gauss hypergeometric function 2F1.

    It factors as N(t; x, T) · A(x, t_x, T): N carries 2F1 and depends on (x, T) only, A = P(alive) does
    not depend on t. `groups` (from `x_t_groups`) lets repeated calls evaluate 2F1 once per distinct (x, T);
    `pipeline.clv` sums N over the months first and multiplies by A once."""
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    first, inverse = groups if groups is not None else (np.arange(len(x)), np.arange(len(x)))
    return expected_numerator(fit_, t, x[first], T[first])[inverse] * alive_factor(fit_, x, t_x, T)


def no_dropout(fit_: BgNbdFit) -> bool:
    """The limit a → 0 (nobody drops out): predictions are the NBD expectation, P(alive) = 1."""
    return "a" in fit_.at_boundary or fit_.a < 1e-5


def expected_numerator(fit_: BgNbdFit, t: float, x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """N(t; x, T): E[X(T, T+t)] of a customer surely alive. Where 2F1 overflows (extreme parameters,
    b → ∞) it is the no-dropout limit (r + x) t / (α + T)."""
    x = np.asarray(x, dtype=float)
    T = np.asarray(T, dtype=float)
    r, alpha, a, b = fit_.r, fit_.alpha, fit_.a, fit_.b
    limit = (r + x) * t / (alpha + T)
    if no_dropout(fit_):
        return limit
    z = t / (alpha + T + t)
    with np.errstate(all="ignore"):
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        value = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
    bad = ~np.isfinite(value)
    if bad.any():
        value = np.where(bad, limit, value)
    return value


def alive_factor(fit_: BgNbdFit, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """A(x, t_x, T): P(alive), or 1 in the no-dropout limit."""
    if no_dropout(fit_):
        return np.ones(len(np.asarray(x)))
    return probability_alive(fit_, x, t_x, T)
