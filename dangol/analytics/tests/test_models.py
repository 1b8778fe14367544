"""Published CDNOW estimates (Fader, Hardie & Lee 2005; Fader & Hardie 2013), within 0.5%."""

import datetime as dt

import numpy as np
import pytest

from dangol.analytics import Columns, Options, analyze, bgnbd, gammagamma

END = dt.date(1997, 9, 30)


@pytest.fixture(scope="module")
def cdnow(cdnow_csv):
    return analyze(
        cdnow_csv, Columns("customer", "date", "dollars"), Options(end=END, holdout_end=dt.date(1998, 6, 30))
    )


def test_bgnbd_reproduces_the_paper(cdnow):
    _, report = cdnow
    fit = report["bgnbd"]
    for name, published in (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)):
        assert fit[name] == pytest.approx(published, rel=0.005), name
    assert fit["log_likelihood"] == pytest.approx(-9582.4, abs=0.5)
    assert fit["converged"] is True and report["n_customers"] == 2357


def test_gamma_gamma_reproduces_the_note(cdnow):
    _, report = cdnow
    gg = report["gamma_gamma"]
    for name, published in (("p", 6.25), ("q", 3.74), ("gamma", 15.44)):
        assert gg[name] == pytest.approx(published, rel=0.005), name
    assert gg["n_customers"] == 946 and gg["log_likelihood"] == pytest.approx(-4055.92, abs=0.05)


def test_individual_predictions_match_the_paper():
    fit = bgnbd.BgNbdFit(0.243, 4.414, 0.793, 2.426, 0.0, True, "")
    x, t_x, T = np.array([2.0]), np.array([30.43]), np.array([38.86])
    assert bgnbd.expected_purchases(fit, 39, x, t_x, T)[0] == pytest.approx(1.226, rel=0.005)
    assert bgnbd.probability_alive(fit, x, t_x, T)[0] == pytest.approx(0.7266, rel=0.005)


def test_holdout_compares_predicted_and_actual_by_frequency(cdnow):
    _, report = cdnow
    holdout = report["holdout"]
    assert [g["frequency"] for g in holdout["groups"]] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    zero = holdout["groups"][0]
    assert zero["customers"] == 1411 and abs(zero["actual"] - zero["predicted"]) < 0.05
    assert abs(holdout["total_error_pct"]) < 20


def test_no_dropout_returns_the_boundary_solution_with_a_diagnostic():
    rng = np.random.default_rng(1)
    T = np.full(500, 52.0)
    x = rng.poisson(10, 500).astype(float)
    t_x = np.where(x > 0, T - rng.uniform(0, 0.5, 500), 0.0)  # everyone bought right up to the end
    fit = bgnbd.fit(x, t_x, T)
    assert fit.at_boundary and ("a" in fit.at_boundary or "b" in fit.at_boundary)
    assert "bound" in fit.message
    assert np.all(bgnbd.probability_alive(fit, x, t_x, T) > 0.99)
    assert np.isfinite(bgnbd.expected_purchases(fit, 10, x, t_x, T)).all()


def test_weighted_rows_give_the_same_fit_as_expanded_rows():
    x = np.array([0, 0, 0, 1, 1, 2, 5.0])
    t_x = np.array([0, 0, 0, 3, 3, 8, 20.0])
    T = np.array([30, 30, 30, 30, 30, 30, 30.0])
    expanded = bgnbd.fit(x, t_x, T)
    ux, ut, uT, w = bgnbd.compress(x, t_x, T)
    weighted = bgnbd.fit(ux, ut, uT, weights=w)
    assert w.tolist() == [3, 2, 1, 1] and weighted.log_likelihood == pytest.approx(expanded.log_likelihood)


def test_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 6, 50).astype(float)
    T = rng.uniform(20, 40, 50)
    t_x = np.where(x > 0, T * rng.uniform(0.1, 1, 50), 0)
    w = np.ones(50)
    point = np.log([0.5, 3.0, 0.8, 2.0])
    _, grad = bgnbd._neg_ll_and_grad(point, x, t_x, T, w)
    eps = 1e-6
    numeric = [
        (
            bgnbd._neg_ll_and_grad(point + eps * np.eye(4)[i], x, t_x, T, w)[0]
            - bgnbd._neg_ll_and_grad(point - eps * np.eye(4)[i], x, t_x, T, w)[0]
        )
        / (2 * eps)
        for i in range(4)
    ]
    assert grad == pytest.approx(numeric, rel=1e-4, abs=1e-6)
    m = rng.uniform(5, 50, 50)
    xs = np.maximum(x, 1)
    _, g2 = gammagamma._neg_ll_and_grad(np.log([2.0, 3.0, 10.0]), xs, m)
    numeric2 = [
        (
            gammagamma._neg_ll_and_grad(np.log([2.0, 3.0, 10.0]) + eps * np.eye(3)[i], xs, m)[0]
            - gammagamma._neg_ll_and_grad(np.log([2.0, 3.0, 10.0]) - eps * np.eye(3)[i], xs, m)[0]
        )
        / (2 * eps)
        for i in range(3)
    ]
    assert g2 == pytest.approx(numeric2, rel=1e-4, abs=1e-6)


def _bgnbd_customers(n: int, seed: int, *, dropout: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BG/NBD customers (r, α, a, b = 0.55, 4, 0.7, 2.5 in weeks), times in whole days over 7 like the summary's."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(0.55, 1 / 4.0, n)
    p = rng.beta(0.7, 2.5, n) if dropout else np.zeros(n)
    T = rng.integers(30, 700, n) / 7.0
    t, x, t_x, alive = np.zeros(n), np.zeros(n), np.zeros(n), np.ones(n, dtype=bool)
    for _ in range(60):
        t = t + rng.exponential(1 / lam)
        buys = alive & (t <= T)
        x += buys
        t_x = np.where(buys, np.floor(t * 7) / 7.0, t_x)
        alive &= buys & (rng.random(n) >= p)
    return x, t_x, T


def test_newton_from_the_sample_reaches_the_lbfgsb_optimum_in_fewer_full_evaluations(monkeypatch):
    # many distinct rows: the fit starts on every k-th row, then takes Newton steps over all rows
    monkeypatch.setattr(bgnbd, "WARM_START_ROWS", 2000)
    ux, ut, uT, w = bgnbd.compress(*_bgnbd_customers(40_000, 7))
    assert len(ux) > 4 * bgnbd.WARM_START_ROWS
    full = []
    evaluate = bgnbd._neg_ll_and_grad

    def counted(params, x, *rest):
        if len(x) == len(ux):
            full.append(1)
        return evaluate(params, x, *rest)

    monkeypatch.setattr(bgnbd, "_neg_ll_and_grad", counted)
    fast = bgnbd.fit(ux, ut, uT, weights=w)
    newton_evaluations = len(full)
    monkeypatch.setattr(bgnbd, "_newton", lambda *args: None)  # L-BFGS-B over all rows from the same start
    full.clear()
    reference = bgnbd.fit(ux, ut, uT, weights=w)
    assert fast.converged and fast.message == reference.message == "수렴" and not fast.at_boundary
    for name in ("r", "alpha", "a", "b"):
        assert getattr(fast, name) == pytest.approx(getattr(reference, name), rel=1e-6), name
    assert fast.log_likelihood == pytest.approx(reference.log_likelihood, rel=1e-12)
    assert newton_evaluations <= 8 < len(full)


def test_no_dropout_on_many_rows_keeps_the_boundary_diagnostic(monkeypatch):
    monkeypatch.setattr(bgnbd, "WARM_START_ROWS", 200)
    ux, ut, uT, w = bgnbd.compress(*_bgnbd_customers(20_000, 3, dropout=False))
    assert len(ux) > 4 * bgnbd.WARM_START_ROWS
    fit = bgnbd.fit(ux, ut, uT, weights=w)
    assert fit.at_boundary and ("a" in fit.at_boundary or "b" in fit.at_boundary)
    assert "bound" in fit.message
