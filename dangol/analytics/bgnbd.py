"""BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

While alive a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop out
with probability p ~ Beta(a, b). For a customer with x repeat purchases, last at t_x, observed
for T time units, the likelihood (eq. 6) is

    L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
        + 1{x>0} · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x)).

It is fitted by maximum likelihood in log space with analytic gradients (L-BFGS-B on log-parameters),
on weighted rows: customers with the same (x, t_x, T) are one row with a count.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
from scipy import optimize, special

PARAMS = ("r", "alpha", "a", "b")
LOG_BOUNDS = (np.log(1e-6), np.log(1e6))


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


def _terms(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, ...]:
    r, alpha, a, b = np.exp(log_params)
    betaln_ab = special.betaln(a, b)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - betaln_ab - (r + x) * np.log(alpha + T)
    has = x > 0
    a3 = np.full_like(a2, -np.inf)
    a3[has] = (special.betaln(a + 1, b + x[has] - 1) - betaln_ab - (r + x[has]) * np.log(alpha + t_x[has]))
    return r, alpha, a, b, a1, a2, a3, has


def log_likelihood_per_row(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """ln L_i for every row (the full likelihood on the original time scale)."""
    *_, a1, a2, a3, _has = _terms(log_params, x, t_x, T)
    return a1 + np.logaddexp(a2, a3)


def _neg_ll_and_grad(log_params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                     w: np.ndarray) -> tuple[float, np.ndarray]:
    r, alpha, a, b, a1, a2, a3, has = _terms(log_params, x, t_x, T)
    ll = a1 + np.logaddexp(a2, a3)
    s3 = np.exp(a3 - np.logaddexp(a2, a3))  # share of the second term
    s2 = 1.0 - s3
    psi_ab = special.digamma(a + b)
    psi_abx = special.digamma(a + b + x)
    d_r = special.digamma(r + x) - special.digamma(r) + np.log(alpha) - s2 * np.log(alpha + T)
    d_alpha = r / alpha - s2 * (r + x) / (alpha + T)
    d_a = s2 * (psi_ab - psi_abx)
    d_b = s2 * (special.digamma(b + x) - special.digamma(b) + psi_ab - psi_abx)
    tx = np.where(has, t_x, 1.0)
    d_r -= np.where(has, s3 * np.log(alpha + tx), 0.0)
    d_alpha -= np.where(has, s3 * (r + x) / (alpha + tx), 0.0)
    d_a += np.where(has, s3 * (special.digamma(a + 1) - special.digamma(a) + psi_ab - psi_abx), 0.0)
    d_b += np.where(has, s3 * (special.digamma(np.where(has, b + x - 1, 1.0)) - special.digamma(b) + psi_ab - psi_abx),
                    0.0)
    grad = np.array([np.dot(w, d_r) * r, np.dot(w, d_alpha) * alpha, np.dot(w, d_a) * a, np.dot(w, d_b) * b])
    return -float(np.dot(w, ll)), -grad


def compress(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> tuple[np.ndarray, ...]:
    """Identical (x, t_x, T) rows become one row with a weight."""
    stacked = np.column_stack([x, t_x, T])
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return unique[:, 0], unique[:, 1], unique[:, 2], counts.astype(float)


def fit(x: np.ndarray, t_x: np.ndarray, T: np.ndarray, *, weights: np.ndarray | None = None,
        initial: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)) -> BgNbdFit:
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
        return BgNbdFit(float("nan"), float("nan"), float("nan"), float("nan"), float("nan"), False,
                        "고객이 없어 모형을 적합할 수 없습니다 (no customers)", [], 0)
    scale = max(float(np.max(T)), 1e-9) / 10.0  # fit on a rescaled time axis for conditioning, then undo
    start = np.log(np.array([initial[0], initial[1], initial[2], initial[3]]))
    result = optimize.minimize(_neg_ll_and_grad, start, args=(x, t_x / scale, T / scale, w), jac=True,
                               method="L-BFGS-B", bounds=[LOG_BOUNDS] * 4,
                               options={"maxiter": 2000, "ftol": 1e-12, "gtol": 1e-8})
    log_params = result.x.copy()
    at_boundary = [name for name, value in zip(PARAMS, log_params, strict=True)
                   if value <= LOG_BOUNDS[0] + 1e-6 or value >= LOG_BOUNDS[1] - 1e-6]
    r, alpha_scaled, a, b = np.exp(log_params)
    alpha = alpha_scaled * scale  # α is a time scale: rescale back to the data's unit
    ll = float(np.dot(w, log_likelihood_per_row(np.log([r, alpha, a, b]), x, t_x, T)))
    if at_boundary:
        hint = " (almost nobody drops out: P(alive) ≈ 1)" if {"a", "b"} & set(at_boundary) else ""
        message = f"경계해: {', '.join(at_boundary)} 가 범위 끝에 도달했습니다{hint}. parameter(s) at bound: " \
                  f"{', '.join(at_boundary)}{hint}"
    else:
        message = "수렴" if result.success else f"수렴하지 않음: {result.message}"
    return BgNbdFit(float(r), float(alpha), float(a), float(b), ll, bool(result.success), message, at_boundary, n)


def probability_alive(fit_: BgNbdFit, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))  (FHL 2005, eq. 11)."""
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    r, alpha, a, b = fit_.r, fit_.alpha, fit_.a, fit_.b
    has = x > 0
    log_ratio = np.where(has, np.log(a) - np.log(np.where(has, b + x - 1, 1.0))
                         + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x)), -np.inf)
    return 1.0 / (1.0 + np.exp(log_ratio))


def expected_purchases(fit_: BgNbdFit, t: float, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """E[X(T, T+t) | x, t_x, T]  (FHL 2005, eq. 10), with the Gauss hypergeometric function 2F1."""
    x = np.asarray(x, dtype=float)
    t_x = np.asarray(t_x, dtype=float)
    T = np.asarray(T, dtype=float)
    r, alpha, a, b = fit_.r, fit_.alpha, fit_.a, fit_.b
    no_dropout = (r + x) * t / (alpha + T)  # the limit a → 0: nobody drops out, the NBD expectation
    if "a" in fit_.at_boundary or a < 1e-5:
        return no_dropout
    z = t / (alpha + T + t)
    with np.errstate(all="ignore"):
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
        numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp)
        has = x > 0
        odds = np.where(has, a / np.where(has, b + x - 1, 1.0) * ((alpha + T) / (alpha + t_x)) ** (r + x), 0.0)
        value = numerator / (1 + odds)
    # 2F1 can overflow for extreme parameters (b → ∞): fall back to the no-dropout limit weighted by P(alive)
    return np.where(np.isfinite(value), value, no_dropout * probability_alive(fit_, x, t_x, T))
