"""Gamma-Gamma spend model (Fader & Hardie 2013 note; Colombo & Jiang 1999).

For a repeat buyer with x repeat transactions of mean value m_x, spend per transaction is
Gamma(p, ν) with ν ~ Gamma(q, γ). Per customer (up to a constant in m_x):

    ln L = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m_x + px ln x − (px+q) ln(γ + x m_x)

Expected average spend: E[M | x, m_x] = p (γ + x m_x) / (px + q − 1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from dangol.analytics.bgnbd import _group_rows, by_x, special, wsum

LOG_BOUNDS = (np.log(1e-6), np.log(1e8))


@dataclass
class GammaGammaFit:
    p: float
    q: float
    gamma: float
    log_likelihood: float
    converged: bool
    message: str
    n_customers: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _prepare(x: np.ndarray, m: np.ndarray, w: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """What does not change between evaluations: distinct x and each row's index, ln m, ln(x m), x·m, the
    row weights (customers per row) and their total."""
    ux, xi = by_x(x)
    w = np.ones(len(x)) if w is None else np.asarray(w, dtype=float)
    return ux, xi, np.log(m), np.log(x) + np.log(m), x * m, w, np.bincount(xi, weights=w, minlength=len(ux))


def _neg_ll_and_grad(
    log_params: np.ndarray,
    x: np.ndarray,
    m: np.ndarray,
    pre: tuple[np.ndarray, ...] | None = None,
) -> tuple[float, np.ndarray]:
    """`pre` = `_prepare(x, m[, w])`: the gamma functions depend on x only, evaluated once per distinct x and
    weighted by the customers at that x; each row counts `w` times (identical (x, m) customers are one row)."""
    p, q, g = np.exp(log_params)
    ux, _xi, log_m, log_xm, xm, w, w_x = pre if pre is not None else _prepare(x, m)
    n = float(w_x.sum())
    pux = p * ux
    px = p * x
    denom = g + xm
    log_denom = np.log(denom)
    psi = special.digamma(pux + q)
    wx = w * x
    sum_log_denom = wsum(w, log_denom)
    ll = (
        wsum(w_x, special.gammaln(pux + q) - special.gammaln(pux))
        + n * (q * np.log(g) - special.gammaln(q))
        + p * wsum(wx, log_xm - log_denom)
        - wsum(w, log_m)
        - q * sum_log_denom
    )
    d_p = wsum(w_x * ux, psi - special.digamma(pux)) + wsum(wx, log_xm - log_denom)
    d_q = wsum(w_x, psi) + n * (np.log(g) - special.digamma(q)) - sum_log_denom
    d_g = n * q / g - wsum(w, (px + q) / denom)
    grad = np.array([d_p * p, d_q * q, d_g * g])
    return -ll, -grad


def compress(x: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Identical (x, m) customers become one row with a count (amounts in whole won repeat a lot: at 10M order
    lines, 690k repeat buyers are 123k distinct rows). The likelihood is a sum over customers, so it is exact."""
    first, _inverse, counts = _group_rows(x, m)
    return x[first], m[first], counts.astype(float)


def fit(frequency: np.ndarray, monetary: np.ndarray) -> GammaGammaFit:
    """Fit on repeat buyers only (x > 0, m_x > 0); others are ignored."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) < 3:
        return GammaGammaFit(
            float("nan"),
            float("nan"),
            float("nan"),
            float("nan"),
            False,
            "재구매 고객이 너무 적어 지출 모형을 적합할 수 없습니다 (too few repeat buyers)",
            len(x),
        )
    n_customers = len(x)
    x, m, w = compress(x, m)
    # spend in units of the mean, for conditioning; γ is rescaled back
    scale = float(np.average(m, weights=w))
    pre = _prepare(x, m / scale, w)
    from scipy import optimize  # imported on first use (≈ 0.3–1 s): see pipeline.warm_imports

    result = optimize.minimize(
        _neg_ll_and_grad,
        np.log([1.0, 1.0, 1.0]),
        args=(x, m / scale, pre),
        jac=True,
        method="L-BFGS-B",
        bounds=[LOG_BOUNDS] * 3,
        options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-9},
    )
    success, reason = bool(result.success), str(result.message)
    if (
        not success
    ):  # L-BFGS-B stops on flat ridges (little spend heterogeneity: q and γ grow together); polish
        polished = optimize.minimize(
            lambda v: _neg_ll_and_grad(v, x, m / scale, pre)[0],
            result.x,
            method="Nelder-Mead",
            bounds=[LOG_BOUNDS] * 3,
            options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 4000},
        )
        if polished.fun <= result.fun + 1e-9:
            result = polished
            success, reason = bool(polished.success), str(polished.message)
    p, q, g = np.exp(result.x)
    gamma = g * scale
    ll = -_neg_ll_and_grad(np.log([p, q, gamma]), x, m, _prepare(x, m, w))[0]
    message = "수렴" if success else f"수렴하지 않음: {reason}"
    if q <= 1:
        message += " (q ≤ 1: 평균 지출의 기대값이 정의되지 않습니다 / expected spend undefined)"
    return GammaGammaFit(float(p), float(q), float(gamma), float(ll), success, message, n_customers)


def expected_average_spend(fit_: GammaGammaFit, frequency: np.ndarray, monetary: np.ndarray) -> np.ndarray:
    """E[M | x, m_x]; for customers with no repeat purchase, the population mean p·γ/(q−1)."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary, dtype=float)
    p, q, g = fit_.p, fit_.q, fit_.gamma
    population = p * g / (q - 1) if q > 1 else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        conditional = p * (g + x * m) / (p * x + q - 1)
    return np.where((x > 0) & (m > 0), conditional, population)
