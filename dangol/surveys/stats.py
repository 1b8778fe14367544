"""Survey statistics: intervals for CSAT/NPS, driver regression, relative importance. NumPy/SciPy, no Django."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sp

from dangol.common.stats import Z95
from dangol.common.stats import wilson as wilson  # one Wilson interval for every app (re-exported)

MIN_TRUSTED_N = 30  # below this, a group's figure is shown with a "too few answers" note


@dataclass
class NpsResult:
    n: int
    promoters: int
    passives: int
    detractors: int
    score: float  # −100 … 100
    low: float
    high: float


def nps(promoters: int, passives: int, detractors: int, z: float = Z95) -> NpsResult:
    """Net Promoter Score = %promoters − %detractors (Reichheld 2003), with a normal-approximation interval.

    Each answer scores +1 (9–10), 0 (7–8) or −1 (0–6); NPS is 100 × the mean, and its variance is
    (p_pro + p_det − (p_pro − p_det)²)/n.
    """
    n = promoters + passives + detractors
    if n == 0:
        return NpsResult(0, 0, 0, 0, 0.0, 0.0, 0.0)
    p_pro, p_det = promoters / n, detractors / n
    score = p_pro - p_det
    variance = (p_pro + p_det - score * score) / n
    half = z * math.sqrt(max(variance, 0.0))
    return NpsResult(
        n,
        promoters,
        passives,
        detractors,
        round(100 * score, 1),
        round(100 * max(-1.0, score - half), 1),
        round(100 * min(1.0, score + half), 1),
    )


def nps_from_scores(scores: list[int]) -> NpsResult:
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return nps(promoters, len(scores) - promoters - detractors, detractors)


def mean_interval(total: float, total_sq: float, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Mean and normal interval from running sums (what a database aggregate gives)."""
    if n == 0:
        return (0.0, 0.0, 0.0)
    mean = total / n
    if n < 2:
        return (mean, mean, mean)
    variance = max((total_sq - n * mean * mean) / (n - 1), 0.0)
    half = z * math.sqrt(variance / n)
    return (mean, mean - half, mean + half)


@dataclass
class DriverResult:
    names: list[str]
    n: int
    r_squared: float
    beta: list[float]  # standardized OLS coefficients
    p_values: list[float]
    relative_weight: list[float]  # Johnson's relative weights; they sum to R²
    warning: str = ""


def relative_weights(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Johnson's relative weights (Johnson 2000, Multivariate Behavioral Research 35:1).

    Correlated predictors split R² fairly: orthogonalise X as Z = X (XᵀX)^(−½) (on correlations), regress y on
    Z (β*), and map back with Λ = R_xx^(½); weight_j = Σ_k Λ_jk² β*_k². The weights sum to R².
    """
    rxx = np.corrcoef(x, rowvar=False)
    rxy = np.array([np.corrcoef(x[:, j], y)[0, 1] for j in range(x.shape[1])])
    return relative_weights_from(np.atleast_2d(rxx), rxy)


def relative_weights_from(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """`relative_weights` from the correlations alone (items × items, items × outcome)."""
    eigenvalues, eigenvectors = np.linalg.eigh(rxx)
    eigenvalues = np.clip(eigenvalues, 1e-12, None)
    lam = eigenvectors @ np.diag(np.sqrt(eigenvalues)) @ eigenvectors.T
    beta_star = np.linalg.solve(lam, rxy)
    return np.asarray((lam**2) @ (beta_star**2))


def drivers(names: list[str], x: np.ndarray, y: np.ndarray) -> DriverResult | None:
    """Which items explain overall satisfaction: OLS on standardized variables, with t-test p-values, and
    Johnson's relative weights (robust to the correlation between items that plain betas are not).

    Rows with any missing value must be removed by the caller. Returns None when the data cannot be fitted
    (fewer rows than predictors + 2, or a constant column).
    """
    n, k = x.shape
    if n < k + 2 or k == 0:
        return None
    sx, sy = x.std(axis=0, ddof=1), y.std(ddof=1)
    if sy == 0 or np.any(sx == 0):
        return None
    zx = (x - x.mean(axis=0)) / sx
    zy = (y - y.mean()) / sy
    design = np.column_stack([np.ones(n), zx])
    coef, *_ = np.linalg.lstsq(design, zy, rcond=None)
    residuals = zy - design @ coef
    ss_res = float(residuals @ residuals)
    ss_tot = float(zy @ zy)
    r2 = 1 - ss_res / ss_tot if ss_tot else 0.0
    dof = n - k - 1
    sigma2 = ss_res / dof
    covariance = sigma2 * np.linalg.pinv(design.T @ design)
    se = np.sqrt(np.clip(np.diag(covariance), 0, None))
    return _driver_result(names, n, r2, coef[1:], se[1:], relative_weights(x, y))


def drivers_from_moments(names: list[str], moments: list[list[int]]) -> DriverResult | None:
    """`drivers` from sufficient statistics instead of the rows: `moments[i][j]` = Σ v_i·v_j over the complete
    rows, for the variables v = (overall, 1, item_1 … item_k) (so [1][1] = n, [1][i] = Σ v_i). Integer sums,
    exact; the same figures as `drivers` on those rows (standardized OLS = R_xx⁻¹ r_xy; ZᵀZ = (n−1)·R_xx, so
    the coefficient variances are σ²·[R_xx⁻¹]_jj / (n−1); relative weights from R_xx and r_xy)."""
    k = len(names)
    n = int(moments[1][1])
    if n < k + 2 or k == 0:
        return None
    order = [0, *range(2, k + 2)]
    sums = [int(moments[1][i]) for i in range(k + 2)]
    # n·Σ v_i v_j − Σ v_i Σ v_j = n² × covariance (exact integers before the one conversion to float)
    centred = np.array(
        [[n * int(moments[i][j]) - sums[i] * sums[j] for j in order] for i in order], dtype=float
    )
    diagonal = np.diag(centred)
    if diagonal[0] <= 0 or np.any(diagonal[1:] <= 0):
        return None
    scale = np.sqrt(diagonal)
    r = centred / np.outer(scale, scale)
    rxx, rxy = r[1:, 1:], r[1:, 0]
    inverse = np.linalg.pinv(rxx)
    beta = inverse @ rxy
    ss_tot = float(n - 1)
    ss_res = max(ss_tot * float(1 - 2 * beta @ rxy + beta @ rxx @ beta), 0.0)
    r2 = 1 - ss_res / ss_tot
    dof = n - k - 1
    sigma2 = ss_res / dof
    se = np.sqrt(np.clip(sigma2 * np.diag(inverse) / (n - 1), 0, None))
    return _driver_result(names, n, r2, beta, se, relative_weights_from(rxx, rxy))


def _driver_result(
    names: list[str], n: int, r2: float, beta: np.ndarray, se: np.ndarray, weights: np.ndarray
) -> DriverResult:
    """The result both ways of fitting share: two-sided t-test p-values on n − k − 1 degrees of freedom and a
    warning when there are too few answers for k items."""
    k = len(names)
    t = np.divide(beta, se, out=np.zeros_like(beta), where=se > 0)
    p = 2 * sp.t.sf(np.abs(t), n - k - 1)
    warning = ""
    if n < max(MIN_TRUSTED_N, 10 * k):
        warning = f"응답이 {n}건뿐이라 (항목 {k}개에 최소 {max(MIN_TRUSTED_N, 10 * k)}건 권장) 결과를 믿기 어렵습니다."
    return DriverResult(
        names,
        n,
        round(r2, 4),
        [round(float(b), 4) for b in beta],
        [float(v) for v in p],
        [round(float(w), 4) for w in weights],
        warning,
    )


def ipa_quadrant(importance: float, performance: float, importance_cut: float, performance_cut: float) -> str:
    """Importance–performance analysis (Martilla & James 1977): where to put scarce resources (선택과 집중)."""
    if importance >= importance_cut:
        return "concentrate" if performance < performance_cut else "keep_up"
    return "low_priority" if performance < performance_cut else "overkill"


QUADRANT_LABELS = {
    "concentrate": "집중 개선 (중요하지만 성과 낮음)",
    "keep_up": "현재 유지 (중요하고 성과 높음)",
    "low_priority": "낮은 우선순위",
    "overkill": "과잉 투자 가능성 (덜 중요한데 성과 높음)",
}
