"""Customer-value analytics benchmark (issue 5): `dangol analyze` against pandas + lifetimes, and the floor.

Generates (and caches) a seeded transactions file under var/bench/analytics/ — BG/NBD purchase process with
heterogeneity (λ ~ Gamma, dropout p ~ Beta), Gamma-Gamma spend in ₩, baskets of one or more order lines in
product categories — then times, each as a subprocess (wall time, peak RSS):

* `dangol analyze` on DuckDB (median of --repeat runs), and on PySpark local mode for --small only;
* the peer: the same pipeline with pandas + lifetimes 0.11.3 (summary_data_from_transaction_data,
  BetaGeoFitter, GammaGammaFitter, customer_lifetime_value), with a timeout;
* the floor: a bare DuckDB GROUP BY customer_id (count, min/max date, sum) over the same file.

It also times dangol's steps in-process (load, summary, bgnbd, gamma_gamma, score, report, write) and checks
that the two pipelines agree. Prints a Markdown table and rewrites the generated section of RESULTS.md.

    .venv/bin/python bench/analytics/run.py            # 10,000,000 rows / 1,000,000 customers
    .venv/bin/python bench/analytics/run.py --small    # 1,000,000 rows / 100,000 customers (+ PySpark)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: the helpers all harnesses share
from _common import loadavg, measure, version
from _common import machine_facts as common_facts

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
VAR = ROOT / "var" / "bench" / "analytics"
RESULTS = HERE / "RESULTS.md"

GENERATOR_VERSION = 2
START = dt.date(2023, 1, 1)
DAYS = 3 * 365  # 2023-01-01 … 2025-12-31
END = START + dt.timedelta(days=DAYS - 1)
# The true parameters of the generator (time unit: week), to compare the fits with.
TRUE_BGNBD = {"r": 0.55, "alpha": 4.0, "a": 0.7, "b": 2.5}
TRUE_GG_LINE = {"p": 4.0, "q": 3.5, "gamma": 15_625.0}  # per order line: mean pγ/(q−1) = ₩25,000
CATEGORIES = ["식품", "생활용품", "뷰티", "패션", "건강식품", "유아동", "반려동물", "가전", "스포츠", "도서"]
POPULARITY = [0.24, 0.17, 0.13, 0.11, 0.09, 0.07, 0.06, 0.05, 0.05, 0.03]

GOAL_RATIO = 10.0  # ≥ 10× faster than the peer at 10M lines (issue 18)
GOAL_RATIO_SMALL = 3.0  # ≥ 3× at 1M lines
GOAL_RSS_MB = 1024  # ≤ 1 GB peak RSS at 10M lines
GOAL_WALL = 10.0  # < 10 s wall on 2 cores
TOL_PARAMS = 0.05  # BG/NBD and Gamma-Gamma parameters within 5 %
TOL_CLV = 0.02  # total CLV within 2 %


# --------------------------------------------------------------------------------------------- data


def data_path(rows: int, customers: int, seed: int, dropout: bool = True) -> Path:
    kind = "" if dropout else "-nodropout"
    return VAR / f"transactions-{rows}-{customers}-s{seed}{kind}-v{GENERATOR_VERSION}.parquet"


def generate(path: Path, rows: int, customers: int, seed: int, dropout: bool = True) -> dict[str, Any]:
    """Vectorised BG/NBD transactions. Each customer's first purchase day is drawn with growing acquisition;
    while alive they buy at Poisson rate λ ~ Gamma(r, α) per week and drop out after each repeat purchase with
    probability p ~ Beta(a, b). Repeat purchases within the window are the first M = min(K, N) arrivals
    of a Poisson process (K ~ Geometric(p) repeat purchases before dropout, N ~ Poisson(λτ) arrivals in the window),
    drawn exactly via exponential spacings. Purchases become baskets of order lines (exactly `rows` lines in
    all); each line's amount in ₩ is Gamma(p, ν) with ν ~ Gamma(q, γ) per customer. With dropout=False nobody
    ever drops out (p = 0): the boundary case where lifetimes' BetaGeoFitter is known to fail."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    n = customers
    first = np.floor(DAYS * np.sqrt(rng.random(n))).astype(np.int64)  # acquisition grows over time
    tau = (DAYS - 1 - first) / 7.0  # weeks observed after the first purchase
    lam = rng.gamma(TRUE_BGNBD["r"], 1.0 / TRUE_BGNBD["alpha"], n)
    p = rng.beta(TRUE_BGNBD["a"], TRUE_BGNBD["b"], n)
    k = rng.geometric(
        p
    )  # repeat purchases until dropout (a customer may drop out after each repeat purchase)
    arrivals = rng.poisson(lam * tau)
    m = np.minimum(k, arrivals) if dropout else arrivals  # repeat purchases seen in the window
    owner = np.repeat(np.arange(n), m)
    spacing = np.cumsum(rng.exponential(size=int(m.sum())))
    seg_end = np.cumsum(m)
    seg_start = seg_end - m
    base = np.concatenate([[0.0], spacing])[seg_start]  # cumulative sum before each customer's segment
    s = spacing - base[owner]
    s_m = np.where(m > 0, np.concatenate([[0.0], spacing])[seg_end] - base, 0.0)
    s_total = s_m + rng.gamma(arrivals - m + 1.0)
    repeat_day = first[owner] + np.floor(tau[owner] * s / s_total[owner] * 7.0).astype(np.int64)
    ev_cust = np.concatenate([np.arange(n), owner])
    ev_day = np.minimum(np.concatenate([first, repeat_day]), DAYS - 1)
    n_events = len(ev_cust)
    if n_events > rows:  # too many purchases for the row budget: drop random repeat purchases
        keep = np.concatenate([np.arange(n), n + rng.choice(n_events - n, rows - n, replace=False)])
        ev_cust, ev_day, n_events = ev_cust[keep], ev_day[keep], rows
    lines = 1 + np.bincount(rng.integers(0, n_events, rows - n_events), minlength=n_events)
    row_event = np.repeat(np.arange(n_events), lines)
    cust = ev_cust[row_event]
    day = ev_day[row_event]
    nu = rng.gamma(TRUE_GG_LINE["q"], 1.0 / TRUE_GG_LINE["gamma"], n)
    amount = np.maximum(np.round(rng.gamma(TRUE_GG_LINE["p"], 1.0 / nu[cust]) / 100.0) * 100.0, 1000.0)
    popularity = np.asarray(POPULARITY) / np.sum(POPULARITY)
    favourite = rng.choice(len(CATEGORIES), n, p=popularity)
    category = np.where(
        rng.random(rows) < 0.55, favourite[cust], rng.choice(len(CATEGORIES), rows, p=popularity)
    )
    order = np.lexsort((cust, day))  # an order log: by date, then customer
    ids = 100_001 + rng.permutation(n)  # customer ids unrelated to acquisition order
    epoch = (START - dt.date(1970, 1, 1)).days
    table = pa.table(
        {
            "customer_id": pa.array(ids[cust[order]], pa.int64()),
            "date": pa.array((day[order] + epoch).astype(np.int32), pa.date32()),
            "amount": pa.array(amount[order].astype(np.int64), pa.int64()),
            "category": pa.DictionaryArray.from_arrays(
                pa.array(category[order].astype(np.int32)), pa.array(CATEGORIES)
            ),
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp, row_group_size=1_000_000)
    tmp.rename(path)
    facts = {
        "rows": rows,
        "customers": n,
        "purchase_days": int(len(np.unique(ev_cust * DAYS + ev_day))),
        "one_time_buyers_share": round(float((m == 0).mean()), 4),
        "seed": seed,
        "seconds": round(time.perf_counter() - t0, 1),
        "size_mb": round(path.stat().st_size / 2**20, 1),
    }
    path.with_suffix(".json").write_text(json.dumps(facts, indent=2), encoding="utf-8")
    return facts


def ensure_data(rows: int, customers: int, seed: int, dropout: bool = True) -> tuple[Path, dict[str, Any]]:
    path = data_path(rows, customers, seed, dropout)
    if path.exists() and path.with_suffix(".json").exists():
        facts = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        facts["cached"] = True
        return path, facts
    say(f"generating {rows:,} rows / {customers:,} customers → {path.relative_to(ROOT)}")
    facts = generate(path, rows, customers, seed, dropout)
    facts["cached"] = False
    say(f"  done in {facts['seconds']} s, {facts['size_mb']} MB")
    return path, facts


# -------------------------------------------------------------------------------------- measuring


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def tail(path: str | Path, lines: int = 15) -> str:
    try:
        return "\n".join(Path(path).read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# ------------------------------------------------------------------------------------------ children


def child_floor(file: str, out: str) -> None:
    """The floor: one GROUP BY over the file with DuckDB, result fetched to Arrow."""
    t0 = time.perf_counter()
    import duckdb

    con = duckdb.connect()
    t1 = time.perf_counter()
    result = con.sql(
        "SELECT customer_id, count(*) AS n, min(date) AS first_day, max(date) AS last_day, sum(amount) AS total "
        f"FROM read_parquet('{file}') GROUP BY customer_id"
    ).fetch_arrow_table()
    t2 = time.perf_counter()
    Path(out).write_text(
        json.dumps({"import_s": t1 - t0, "query_s": t2 - t1, "groups": result.num_rows}), encoding="utf-8"
    )


def patch_lifetimes(notes: list[str]) -> None:
    """Runtime patches so the archived lifetimes 0.11.3 imports and runs on today's stack; site-packages
    is never edited. Every patch applied is written to `notes`."""
    try:
        import pkg_resources  # noqa: F401  (lifetimes.datasets needs it; setuptools ≥ 82 removed it)
    except ImportError:
        import types

        shim = types.ModuleType("pkg_resources")

        def resource_filename(package: str, name: str) -> str:
            import importlib.util

            spec = importlib.util.find_spec(package)
            assert spec is not None and spec.origin is not None
            return str(Path(spec.origin).parent / name)

        shim.resource_filename = resource_filename  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = shim
        notes.append(
            "pkg_resources missing (setuptools ≥ 82): a stub module with resource_filename was injected"
        )


def child_peer(file: str, out: str, end: str, horizon_weeks: float, discount: float) -> int:
    """The peer: pandas + lifetimes, the whole pipeline, step by step; status (with where it failed) to JSON."""
    t_start = time.perf_counter()
    status: dict[str, Any] = {"steps": {}, "notes": [], "ok": False}
    step = "import"
    mark = time.perf_counter()

    def done(name: str) -> None:
        nonlocal mark, step
        now = time.perf_counter()
        status["steps"][step] = now - mark
        mark, step = now, name

    def save() -> None:
        status["total_s"] = time.perf_counter() - t_start
        Path(out).write_text(json.dumps(status, default=float), encoding="utf-8")

    try:
        patch_lifetimes(status["notes"])
        import numpy as np
        import pandas as pd
        from lifetimes import BetaGeoFitter, GammaGammaFitter
        from lifetimes.utils import summary_data_from_transaction_data

        status["versions"] = {"pandas": pd.__version__, "numpy": np.__version__}
        done("load")
        df = pd.read_parquet(file, columns=["customer_id", "date", "amount"])
        df["date"] = pd.to_datetime(df["date"])
        done("summary")
        summary = summary_data_from_transaction_data(
            df,
            "customer_id",
            "date",
            monetary_value_col="amount",
            observation_period_end=end,
            freq="D",
            freq_multiplier=7,
        )
        del df
        status["n_customers"] = len(summary)
        done("bgnbd")
        bgf = BetaGeoFitter(penalizer_coef=0.0)
        bgf.fit(summary["frequency"], summary["recency"], summary["T"])
        status["bgnbd"] = {k: float(v) for k, v in bgf.params_.items()}
        done("gamma_gamma")
        repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
        ggf = GammaGammaFitter(penalizer_coef=0.0)
        ggf.fit(repeat["frequency"], repeat["monetary_value"])
        status["gamma_gamma"] = {{"v": "gamma"}.get(k, k): float(v) for k, v in ggf.params_.items()}
        done("score")
        f, r, T, m = summary["frequency"], summary["recency"], summary["T"], summary["monetary_value"]
        summary["probability_alive"] = bgf.conditional_probability_alive(f, r, T)
        summary["expected_purchases"] = bgf.conditional_expected_number_of_purchases_up_to_time(
            horizon_weeks, f, r, T
        )
        months = int(np.ceil(horizon_weeks / (30.4375 / 7)))
        monthly = (1 + discount) ** (1 / 12) - 1
        summary["clv"] = ggf.customer_lifetime_value(
            bgf, f, r, T, m, time=months, discount_rate=monthly, freq="W"
        )
        status["clv_total"] = float(summary["clv"].sum())
        status["p_alive_mean"] = float(summary["probability_alive"].mean())
        status["expected_total"] = float(summary["expected_purchases"].sum())
        done("write")
        summary.reset_index().to_parquet(Path(out).with_suffix(".parquet"))
        done("end")
        status["ok"] = True
    except BaseException as exc:  # record exactly where and why lifetimes failed
        import traceback

        frames = traceback.extract_tb(exc.__traceback__)
        where = next(
            (f for f in reversed(frames) if "lifetimes" in f.filename), frames[-1] if frames else None
        )
        status["error"] = {
            "step": step,
            "type": type(exc).__name__,
            "message": str(exc)[:600],
            "where": f"{Path(where.filename).name}:{where.lineno} ({where.name})" if where else "",
            "traceback": traceback.format_exc()[-3000:],
        }
        status["steps"][step] = time.perf_counter() - mark
        save()
        return 1
    save()
    return 0


def child_steps(file: str, out_dir: str, end: str, category: bool) -> None:
    """dangol's pipeline in-process, with the time of each step (the CLI's progress steps, plus write)."""
    t_start, c_start = time.perf_counter(), time.process_time()
    sys.path.insert(0, str(ROOT))
    import pyarrow.parquet as pq

    from dangol.analytics import engine, pipeline
    from dangol.analytics.report import render_html

    t_import, c_import = time.perf_counter() - t_start, time.process_time() - c_start
    marks: list[tuple[str, float, float]] = []
    cols = engine.Columns(
        customer="customer_id", date="date", amount="amount", category="category" if category else None
    )
    options = pipeline.Options(end=dt.date.fromisoformat(end), time_unit="week", horizon=52.0)
    scorecard, report = pipeline.analyze(
        file, cols, options, progress=lambda s: marks.append((s, time.perf_counter(), time.process_time()))
    )
    t_done, c_done = time.perf_counter(), time.process_time()
    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    pq.write_table(scorecard, target / "customers.parquet")
    (target / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (target / "report.html").write_text(render_html(report), encoding="utf-8")
    t_write, c_write = time.perf_counter(), time.process_time()
    # wall and CPU seconds (time.process_time: every thread of the process, DuckDB's included) of each step
    steps = {
        "import": [t_import, c_import],
        "setup": [marks[0][1] - t_start - t_import, marks[0][2] - c_start - c_import],
    }
    for (name, start, cstart), (_next, stop, cstop) in zip(
        marks, marks[1:] + [("end", t_done, c_done)], strict=True
    ):
        steps[name] = [stop - start, cstop - cstart]
    steps["write"] = [t_write - t_done, c_write - c_done]
    (target / "steps.json").write_text(json.dumps(steps), encoding="utf-8")


# ----------------------------------------------------------------------------------------- the bench


def dangol_cmd(file: Path, out: Path, engine: str, category: bool) -> list[str]:
    exe = BIN / "dangol"
    head = [str(exe)] if exe.exists() else [PYTHON, "-m", "dangol.analytics"]
    return head + [
        "analyze",
        str(file),
        "--customer",
        "customer_id",
        "--date",
        "date",
        "--amount",
        "amount",
        *(["--category", "category"] if category else []),
        "--end",
        END.isoformat(),
        "--time-unit",
        "week",
        "--horizon",
        "52",
        "--engine",
        engine,
        "--out",
        str(out),
        "--no-progress",
    ]


def rel_diff(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not b:
        return None
    return abs(a - b) / abs(b)


def agreement(dangol_report: dict[str, Any], peer: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if not peer.get("bgnbd"):
        return rows
    for name in ("r", "alpha", "a", "b"):
        rows.append(
            {
                "what": f"BG/NBD {name}",
                "dangol": dangol_report["bgnbd"][name],
                "peer": peer["bgnbd"][name],
                "true": TRUE_BGNBD[name],
                "tol": TOL_PARAMS,
            }
        )
    for name in ("p", "q", "gamma"):
        if peer.get("gamma_gamma"):
            rows.append(
                {
                    "what": f"Gamma-Gamma {name}",
                    "dangol": dangol_report["gamma_gamma"][name],
                    "peer": peer["gamma_gamma"][name],
                    "true": None,
                    "tol": TOL_PARAMS,
                }
            )
    if peer.get("clv_total") is not None:
        rows.append(
            {
                "what": "total CLV ₩ (52 weeks)",
                "dangol": dangol_report["clv"]["total"],
                "peer": peer["clv_total"],
                "true": None,
                "tol": TOL_CLV,
            }
        )
    for row in rows:
        row["diff"] = rel_diff(row["dangol"], row["peer"])
        row["ok"] = row["diff"] is not None and row["diff"] <= row["tol"]
    return rows


def machine_facts() -> dict[str, str]:
    java = ""
    try:
        java = subprocess.run(
            ["java", "-version"], capture_output=True, text=True, timeout=20
        ).stderr.splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        java = "no java"
    dists = (
        "duckdb",
        "pyarrow",
        "numpy",
        "scipy",
        "pandas",
        "lifetimes",
        "autograd",
        "pyspark",
        "setuptools",
    )
    versions = {dist: version(dist) for dist in dists}
    return {**common_facts(), **versions, "ibis": version("ibis-framework"), "java": java}


def fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def run_bench(args: argparse.Namespace) -> int:
    rows, customers = (1_000_000, 100_000) if args.small else (args.rows, args.customers)
    label = "small" if args.small else "full"
    file, data = ensure_data(rows, customers, args.seed)
    load_before = loadavg()
    work = VAR / f"runs-{label}"
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {}

    # 1. dangol analyze on DuckDB, as the CLI: median of `repeat` runs (the first one also warms the page cache)
    runs = []
    for i in range(args.repeat):
        say(f"dangol analyze (duckdb) run {i + 1}/{args.repeat} …")
        res = measure(
            dangol_cmd(file, work / "dangol-duckdb", "duckdb", True),
            timeout=args.timeout,
            log=work / f"dangol-duckdb-{i + 1}.log",
        )
        say(f"  {res['wall']:.1f} s, {res['rss_mb']:.0f} MB, exit {res['returncode']}")
        if res["returncode"] != 0:
            say(tail(res["log"]))
            return 1
        runs.append(res)
    dangol = dict(runs[-1])
    befores = []
    if args.before:  # the earlier code, run the same way right after (same load, same page cache)
        before_dir = before_tree(args.before)
        cmd = dangol_cmd(file, work / "dangol-before", "duckdb", True)
        # -c, not -m: -m would put the working tree (today's code) first on sys.path
        code = (
            f"import sys; sys.path.insert(0, {str(before_dir)!r}); "
            "from dangol.analytics.cli import main; sys.exit(main())"
        )
        for i in range(args.repeat):
            say(f"dangol analyze (before: {args.before}) run {i + 1}/{args.repeat} …")
            res = measure(
                [PYTHON, "-c", code, *cmd[cmd.index("analyze") + 1 :]],
                timeout=args.timeout,
                log=work / f"dangol-before-{i + 1}.log",
            )
            say(f"  {res['wall']:.1f} s, {res['rss_mb']:.0f} MB, exit {res['returncode']}")
            if res["returncode"] == 0:
                befores.append(res)
    if befores:
        results["before"] = {
            "path": args.before,
            "walls": [r["wall"] for r in befores],
            "wall": statistics.median(r["wall"] for r in befores),
            "cpu": statistics.median(r["cpu"] for r in befores),
            "rss_mb": max(r["rss_mb"] for r in befores),
        }
    else:
        results["before"] = None
    dangol["walls"] = [r["wall"] for r in runs]
    dangol["wall"] = statistics.median(dangol["walls"])
    dangol["cpus"] = [r["cpu"] for r in runs]
    dangol["cpu"] = statistics.median(dangol["cpus"])
    dangol["rss_mb"] = max(r["rss_mb"] for r in runs)
    dangol["tree_rss_mb"] = max(r["tree_rss_mb"] for r in runs)
    results["dangol"] = dangol
    report = json.loads((work / "dangol-duckdb" / "report.json").read_text(encoding="utf-8"))

    # 2. where the time goes: the same pipeline in-process, step by step
    say("dangol steps (in-process) …")
    steps_res = measure(
        [PYTHON, __file__, "_steps", str(file), str(work / "dangol-steps"), END.isoformat()],
        timeout=args.timeout,
        log=work / "dangol-steps.log",
    )
    steps = {}
    if steps_res["returncode"] == 0:
        steps = json.loads((work / "dangol-steps" / "steps.json").read_text(encoding="utf-8"))
        steps["process total (wall)"] = [steps_res["wall"], steps_res["cpu"]]
        say("  " + ", ".join(f"{k} {v[0]:.2f}/{v[1]:.2f}" for k, v in steps.items()))
    else:
        say(tail(steps_res["log"]))
    results["steps"] = steps

    # 3. the floor: bare DuckDB GROUP BY, median of 3
    floors = []
    for i in range(3):
        res = measure(
            [PYTHON, __file__, "_floor", str(file), str(work / "floor.json")],
            timeout=args.timeout,
            log=work / f"floor-{i + 1}.log",
        )
        res.update(json.loads((work / "floor.json").read_text(encoding="utf-8")))
        floors.append(res)
    floor = sorted(floors, key=lambda r: r["wall"])[1]
    say(f"floor: {floor['wall']:.2f} s wall (query {floor['query_s']:.2f} s), {floor['rss_mb']:.0f} MB")
    results["floor"] = floor

    # 4. PySpark local mode, --small only (information)
    spark = None
    if args.small and not args.no_spark:
        say("dangol analyze (pyspark local[2]) …")
        spark = measure(
            dangol_cmd(file, work / "dangol-pyspark", "pyspark", True),
            timeout=args.timeout,
            log=work / "dangol-pyspark.log",
        )
        say(
            f"  {spark['wall']:.1f} s, {spark['rss_mb']:.0f} MB (tree {spark['tree_rss_mb']:.0f} MB), "
            f"exit {spark['returncode']}"
        )
        if spark["returncode"] != 0:
            say(tail(spark["log"]))
    results["spark"] = spark

    # 5. the peer: pandas + lifetimes
    peer_status: dict[str, Any] = {}
    peer = None
    if not args.no_peer:
        say(f"peer: pandas + lifetimes (timeout {args.peer_timeout:.0f} s) …")
        status_file = work / "peer.json"
        status_file.unlink(missing_ok=True)
        peer = measure(
            [PYTHON, __file__, "_peer", str(file), str(status_file), END.isoformat(), "52", "0.10"],
            timeout=args.peer_timeout,
            log=work / "peer.log",
        )
        if status_file.exists():
            peer_status = json.loads(status_file.read_text(encoding="utf-8"))
        say(
            f"  {peer['wall']:.1f} s, {peer['rss_mb']:.0f} MB, exit {peer['returncode']}"
            + (" (timed out)" if peer["timed_out"] else "")
            + (
                f" — failed in {peer_status['error']['step']}: {peer_status['error']['type']}"
                if peer_status.get("error")
                else ""
            )
        )
        if peer["returncode"] != 0 and not peer_status.get("error"):
            say(tail(peer["log"]))
    results["peer"], results["peer_status"] = peer, peer_status

    results["growth"] = growth(args, label, file, data, dangol)
    results["boundary"] = None if args.no_boundary or args.no_peer else boundary_check(args)
    results["loadavg"] = (load_before, loadavg())
    checks = agreement(report, peer_status) if peer_status.get("ok") or peer_status.get("bgnbd") else []
    text = render(args, label, file, data, results, report, checks)
    print(text)
    if not args.no_write:
        write_results(label, text)
        say(f"wrote {RESULTS.relative_to(ROOT)} (section {label})")
    return 0


def before_tree(before: str) -> Path:
    """A folder holding an earlier `dangol/analytics`: `before` itself, or the files of git revision `before`
    (git archive, read-only) unpacked under var/bench/analytics/."""
    if Path(before).is_dir():
        return Path(before).resolve()
    # named by the commit, not by `before`: `HEAD` moves, and a folder named after it would keep old code
    commit = subprocess.run(
        ["git", "rev-parse", "--short", f"{before}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = VAR / f"before-{re.sub(r'[^A-Za-z0-9._-]', '_', commit)}"
    if not (target / "dangol" / "analytics" / "cli.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", before, "dangol/__init__.py", "dangol/analytics"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def growth(
    args: argparse.Namespace, label: str, file: Path, data: dict[str, Any], main: dict[str, Any]
) -> list[dict[str, Any]]:
    """Cost growth: `dangol analyze` (one CLI run each, same options) at every size of --growth, 10 order
    lines per customer; the size of the main run reuses its median."""
    points = []
    for rows in sorted({int(float(v)) for v in args.growth.split(",") if v.strip()}):
        if rows == data["rows"]:
            points.append(
                {
                    "rows": rows,
                    "customers": data["customers"],
                    "wall": main["wall"],
                    "cpu": main["cpu"],
                    "rss_mb": main["rss_mb"],
                }
            )
            continue
        path, facts = ensure_data(rows, rows // 10, args.seed)
        say(f"growth: dangol analyze at {rows:,} lines …")
        res = measure(
            dangol_cmd(path, VAR / f"runs-growth-{rows}" / "out", "duckdb", True),
            timeout=args.timeout,
            log=VAR / f"runs-growth-{rows}" / "dangol.log",
        )
        say(f"  {res['wall']:.1f} s, {res['rss_mb']:.0f} MB, exit {res['returncode']}")
        if res["returncode"] == 0:
            points.append(
                {
                    "rows": rows,
                    "customers": facts["customers"],
                    "wall": res["wall"],
                    "cpu": res["cpu"],
                    "rss_mb": res["rss_mb"],
                }
            )
        else:
            points.append({"rows": rows, "customers": facts["customers"], "error": tail(res["log"], 3)})
    return points


def boundary_check(args: argparse.Namespace) -> dict[str, Any]:
    """The boundary case on a small file where nobody ever drops out: dangol must return the boundary solution
    with a diagnostic; lifetimes' BetaGeoFitter is known to raise ConvergenceError there."""
    rows, customers = 200_000, 20_000
    file, _facts = ensure_data(rows, customers, args.seed, dropout=False)
    work = VAR / "runs-boundary"
    say(f"boundary case (nobody drops out, {customers:,} customers): dangol …")
    dangol = measure(
        dangol_cmd(file, work / "dangol", "duckdb", True), timeout=args.timeout, log=work / "dangol.log"
    )
    report_file = work / "dangol" / "report.json"
    bgnbd = json.loads(report_file.read_text(encoding="utf-8"))["bgnbd"] if dangol["returncode"] == 0 else {}
    say("  … and lifetimes")
    status_file = work / "peer.json"
    status_file.unlink(missing_ok=True)
    peer = measure(
        [PYTHON, __file__, "_peer", str(file), str(status_file), END.isoformat(), "52", "0.10"],
        timeout=args.peer_timeout,
        log=work / "peer.log",
    )
    status = json.loads(status_file.read_text(encoding="utf-8")) if status_file.exists() else {}
    printed = re.search(r"message: (.*)", Path(peer["log"]).read_text(encoding="utf-8", errors="replace"))
    if printed and status.get("error"):  # lifetimes prints SciPy's result before raising
        status["error"]["scipy_message"] = printed.group(1).strip()
    return {
        "rows": rows,
        "customers": customers,
        "file": file,
        "dangol": dangol,
        "bgnbd": bgnbd,
        "peer": peer,
        "peer_status": status,
    }


def render(
    args: argparse.Namespace,
    label: str,
    file: Path,
    data: dict[str, Any],
    results: dict[str, Any],
    report: dict[str, Any],
    checks: list[dict[str, Any]],
) -> str:
    facts = machine_facts()
    dangol, floor, peer, spark = results["dangol"], results["floor"], results["peer"], results["spark"]
    status = results["peer_status"]
    peer_ok = bool(peer and peer["returncode"] == 0 and status.get("ok"))
    ratio_peer = peer["wall"] / dangol["wall"] if peer_ok else None
    over_floor = dangol["wall"] / floor["wall"]
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cmd = ".venv/bin/python bench/analytics/run.py" + (" --small" if args.small else "")
    out = [f"## {'Small run' if args.small else 'Full run'}", ""]
    out.append(f"Command: `{cmd}` — {now}, commit {facts['commit']} (+ uncommitted work in the tree).  ")
    out.append(
        f"Machine: {facts['nproc']} cores ({facts['cpu']}), {facts['ram']} RAM, shared: other engineers' "
        f"test suites ran at the same time (load average {results['loadavg'][0]} at the start, "
        f"{results['loadavg'][1]} at the end), so read ratios, not absolutes. "
        f"Python {facts['python']}, DuckDB {facts['duckdb']}, Ibis {facts['ibis']}, PyArrow {facts['pyarrow']}, "
        f"NumPy {facts['numpy']}, SciPy {facts['scipy']}, pandas {facts['pandas']}, lifetimes {facts['lifetimes']} "
        f"(autograd {facts['autograd']}), setuptools {facts['setuptools']}, PySpark {facts['pyspark']} "
        f"({facts['java']})."
    )
    out.append("")
    out.append(
        f"Data: `{file.relative_to(ROOT)}` ({data['size_mb']} MB Parquet{', cached' if data.get('cached') else ''})"
        f": {data['rows']:,} order lines, {data['customers']:,} customers, {data['purchase_days']:,} purchase "
        f"days, {data['one_time_buyers_share']:.0%} one-time buyers; {START} … {END}, `--end {END}`, weeks, "
        "52-week CLV at 10 %/year. Seeded BG/NBD generator (true r, α, a, b = "
        f"{', '.join(str(v) for v in TRUE_BGNBD.values())}), Gamma-Gamma line amounts in ₩, 10 categories."
    )
    out.append("")
    out.append("| tool | wall s | CPU s | peak RSS MB | peer ÷ dangol | dangol ÷ floor | notes |")
    out.append("|---|---:|---:|---:|---:|---:|---|")
    walls = ", ".join(f"{w:.1f}" for w in dangol["walls"])
    out.append(
        f"| **dangol analyze** (DuckDB, CLI subprocess) | {dangol['wall']:.1f} | {dangol['cpu']:.1f} | "
        f"{dangol['rss_mb']:,.0f} | "
        f"{fmt(ratio_peer)}× | {over_floor:.1f}× | median of {len(dangol['walls'])} runs ({walls} s); "
        "includes RFM, tiers, stages, cohorts, 3R with categories, report.html |"
    )
    before = results.get("before")
    if before:
        walls_b = ", ".join(f"{w:.1f}" for w in before["walls"])
        out.append(
            f"| dangol analyze, before this round (`{before['path']}`) | {before['wall']:.1f} | "
            f"{before['cpu']:.1f} | {before['rss_mb']:,.0f} | {fmt(peer['wall'] / before['wall']) + '×' if peer_ok else '—'} | "
            f"{before['wall'] / floor['wall']:.1f}× | median of {len(before['walls'])} runs ({walls_b} s), run "
            f"right after each current run; current is {before['wall'] / dangol['wall']:.1f}× faster |"
        )
    if peer:
        if peer_ok:
            note = "summary + BG/NBD + Gamma-Gamma + P(alive) + expected purchases + CLV, Parquet out"
        elif peer["timed_out"]:
            note = (
                f"**timed out** after {peer['wall']:.0f} s in step `{last_step(status)}` — ratio is at least "
                f"{peer['wall'] / dangol['wall']:.1f}×"
            )
        else:
            err = status.get("error", {})
            note = (
                f"**failed** in step `{err.get('step', '?')}` at {err.get('where', '?')}: "
                f"{err.get('type', 'exit ' + str(peer['returncode']))}: {err.get('message', '')[:200]}"
            )
        out.append(
            f"| pandas + lifetimes (peer) | {peer['wall']:.1f} | {peer['cpu']:.1f} | {peer['rss_mb']:,.0f} | "
            f"{fmt(ratio_peer) + '×' if peer_ok else '≥ ' + fmt(peer['wall'] / dangol['wall']) + '×'} | "
            f"{peer['wall'] / floor['wall']:.1f}× | {note.replace('|', '/')} |"
        )
    out.append(
        f"| DuckDB `GROUP BY customer_id` (floor) | {floor['wall']:.2f} | {floor['cpu']:.1f} | "
        f"{floor['rss_mb']:,.0f} | — | 1.0× | "
        f"median of 3; query alone {floor['query_s']:.2f} s, {floor['groups']:,} groups to Arrow |"
    )
    if spark:
        ok = spark["returncode"] == 0
        out.append(
            f"| dangol analyze (PySpark local[2]) | {spark['wall']:.1f} | {spark['cpu']:.1f} | "
            f"{spark['rss_mb']:,.0f} | — | "
            f"{spark['wall'] / floor['wall']:.1f}× | information only; {'ok' if ok else 'exit ' + str(spark['returncode'])}"
            f"; peak RSS summed over Python + JVM {spark['tree_rss_mb']:,.0f} MB |"
        )
    out.append("")
    out.append(
        "Wall = the subprocess from start to exit (interpreter start and imports included). CPU = user + "
        "system seconds of the child from `wait4` (all its threads; on a loaded machine the steadier figure). "
        "Peak RSS = `ru_maxrss` of the child from `wait4` (largest single process)."
    )
    out.append("")
    goal = GOAL_RATIO_SMALL if args.small else GOAL_RATIO
    met_ratio = ratio_peer is not None and ratio_peer >= goal
    if not peer_ok and peer:
        met_ratio = peer["wall"] / dangol["wall"] >= goal
    out.append("Goals:")
    out.append(
        f"- ≥ {goal:.0f}× faster than the peer: **{'yes' if met_ratio else 'NO'}** "
        f"({fmt(ratio_peer) if peer_ok else ('≥ ' + fmt(peer['wall'] / dangol['wall']) if peer else '—')}×)"
    )
    if peer_ok:
        out.append(
            f"- (information) CPU seconds, peer ÷ dangol: {peer['cpu'] / dangol['cpu']:.1f}× "
            f"({peer['cpu']:.1f} ÷ {dangol['cpu']:.1f} s; the peer is single-threaded, dangol uses both cores)"
        )
    if args.small:
        out.append(
            f"- under {GOAL_WALL:.0f} s wall on {facts['nproc']} cores: not applicable at this size (the goal is "
            f"for 10M rows; {dangol['wall']:.1f} s here)"
        )
    else:
        out.append(
            f"- under {GOAL_WALL:.0f} s wall on {facts['nproc']} cores: "
            f"**{'yes' if dangol['wall'] < GOAL_WALL else 'NO'}** ({dangol['wall']:.1f} s)"
        )
        out.append(
            f"- peak RSS ≤ {GOAL_RSS_MB:,} MB: **{'yes' if dangol['rss_mb'] <= GOAL_RSS_MB else 'NO'}** "
            f"({dangol['rss_mb']:,.0f} MB)"
        )
    out.append("")
    points = results.get("growth") or []
    if points:
        out.append("### Cost growth (`dangol analyze`, 10 order lines per customer)")
        out.append("")
        out.append("| order lines | customers | wall s | lines/s | CPU s | lines per CPU s | peak RSS MB |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|")
        for pt in points:
            if "error" in pt:
                out.append(f"| {pt['rows']:,} | {pt['customers']:,} | failed | — | — | — | — |")
            else:
                out.append(
                    f"| {pt['rows']:,} | {pt['customers']:,} | {pt['wall']:.1f} | "
                    f"{pt['rows'] / pt['wall']:,.0f} | {pt['cpu']:.1f} | {pt['rows'] / pt['cpu']:,.0f} | "
                    f"{pt['rss_mb']:,.0f} |"
                )
        out.append("")
    steps = results["steps"]
    if steps:
        total, total_cpu = steps.get("process total (wall)", [0.0, 0.0])
        out.append("### Where dangol's time goes (one in-process run, seconds)")
        out.append("")
        out.append(
            "CPU = `time.process_time()` (all threads of the process, DuckDB's included); the process total's "
            "CPU is user + system from `wait4`."
        )
        out.append("")
        out.append("| step | wall s | share | CPU s | CPU share |")
        out.append("|---|---:|---:|---:|---:|")
        for name, (seconds, cpu) in steps.items():
            if name == "process total (wall)":
                continue
            out.append(
                f"| {name} | {seconds:.2f} | {seconds / total:.0%} | {cpu:.2f} | {cpu / total_cpu:.0%} |"
            )
        rest = total - sum(v[0] for k, v in steps.items() if k != "process total (wall)")
        rest_cpu = total_cpu - sum(v[1] for k, v in steps.items() if k != "process total (wall)")
        out.append(
            f"| interpreter start/exit (rest) | {rest:.2f} | {rest / total:.0%} | {rest_cpu:.2f} | "
            f"{rest_cpu / total_cpu:.0%} |"
        )
        out.append(f"| **process total** | {total:.2f} | 100% | {total_cpu:.2f} | 100% |")
        out.append("")
    if status.get("steps"):
        out.append("### The peer's steps (seconds)")
        out.append("")
        out.append("| " + " | ".join(status["steps"]) + " |")
        out.append("|" + "---:|" * len(status["steps"]))
        out.append("| " + " | ".join(f"{v:.1f}" for v in status["steps"].values()) + " |")
        out.append("")
        if status.get("notes"):
            out.append("Runtime patches applied to lifetimes: " + "; ".join(status["notes"]) + ".")
        else:
            out.append(
                "No runtime patch to lifetimes was needed on this stack (the `pkg_resources` shim is in place "
                "for setuptools ≥ 82 but setuptools here still ships it)."
            )
        out.append("")
    boundary = results.get("boundary")
    if boundary:
        d, b, pr, ps = boundary["dangol"], boundary["bgnbd"], boundary["peer"], boundary["peer_status"]
        out.append(
            f"### Boundary case: nobody drops out ({boundary['rows']:,} lines, {boundary['customers']:,} "
            f"customers, `{boundary['file'].relative_to(ROOT)}`)"
        )
        out.append("")
        out.append("| tool | wall s | outcome |")
        out.append("|---|---:|---|")
        if d["returncode"] == 0:
            params = ", ".join(f"{k} = {b[k]:.4g}" for k in ("r", "alpha", "a", "b") if b.get(k) is not None)
            outcome = (
                f"exit 0; {params}; at boundary: {', '.join(b.get('at_boundary') or []) or 'none'}; "
                f"message: {b.get('message', '')}"
            )
        else:
            outcome = f"exit {d['returncode']}: {tail(d['log'], 3)}"
        out.append(f"| dangol analyze | {d['wall']:.1f} | {outcome.replace('|', '/')} |")
        if ps.get("ok"):
            fit = ps.get("bgnbd", {})
            outcome = "finished: " + ", ".join(f"{k} = {v:.4g}" for k, v in fit.items())
        elif ps.get("error"):
            err = ps["error"]
            outcome = (
                f"**failed** in step `{err['step']}` at lifetimes/fitters/{err['where']}: {err['type']}: "
                f"{err['message'].strip().splitlines()[0][:200]}"
                + (f" (SciPy BFGS: {err['scipy_message']})" if err.get("scipy_message") else "")
            )
        else:
            outcome = "timed out" if pr["timed_out"] else f"exit {pr['returncode']}: {tail(pr['log'], 3)}"
        out.append(f"| pandas + lifetimes | {pr['wall']:.1f} | {outcome.replace('|', '/')} |")
        out.append("")
    if checks:
        out.append("### Do the two pipelines agree?")
        out.append("")
        out.append("| quantity | dangol | lifetimes | relative difference | within | generator's truth |")
        out.append("|---|---:|---:|---:|---|---:|")
        for c in checks:
            digits = 0 if "CLV" in c["what"] else 4
            out.append(
                f"| {c['what']} | {fmt(c['dangol'], digits)} | {fmt(c['peer'], digits)} | "
                f"{fmt(None if c['diff'] is None else c['diff'] * 100, 2)} % | "
                f"{'yes' if c['ok'] else '**NO**'} (≤ {c['tol']:.0%}) | {fmt(c['true'], 2)} |"
            )
        out.append("")
        agree = all(c["ok"] for c in checks)
        out.append(
            f"Agreement: **{'yes' if agree else 'NO'}**. dangol BG/NBD: {report['bgnbd']['message']}; "
            f"converged {report['bgnbd']['converged']}. Gamma-Gamma is fitted per purchase day (day totals), so "
            "its p, q, γ are not the generator's per-line values. Total CLV differs slightly by construction: "
            "lifetimes sums 12 months of 4.345 weeks (52.14 weeks), dangol 12 months of 30.4375 days capped "
            "at the 52-week horizon."
        )
        out.append("")
    return "\n".join(out)


def last_step(status: dict[str, Any]) -> str:
    order = ["import", "load", "summary", "bgnbd", "gamma_gamma", "score", "write", "end"]
    done = [s for s in order if s in status.get("steps", {})]
    return order[order.index(done[-1]) + 1] if done else "import"


def write_results(label: str, text: str) -> None:
    begin, end = f"<!-- BEGIN {label} (generated by run.py) -->", f"<!-- END {label} -->"
    block = f"{begin}\n{text}\n{end}"
    current = (
        RESULTS.read_text(encoding="utf-8")
        if RESULTS.exists()
        else (
            "# Customer-value analytics benchmark — results\n\nGenerated sections are rewritten by "
            "`bench/analytics/run.py`; the analysis at the end is written by hand.\n"
        )
    )
    if begin in current and end in current:
        current = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _m: block, current, flags=re.S)
    else:
        marker = "<!-- analysis -->"
        current = (
            current.replace(marker, f"{block}\n\n{marker}") if marker in current else f"{current}\n{block}\n"
        )
    RESULTS.write_text(current, encoding="utf-8")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_floor":
        child_floor(*sys.argv[2:4])
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "_peer":
        file, out, end, horizon, discount = sys.argv[2:7]
        return child_peer(file, out, end, float(horizon), float(discount))
    if len(sys.argv) > 1 and sys.argv[1] == "_steps":
        child_steps(sys.argv[2], sys.argv[3], sys.argv[4], category=True)
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--small", action="store_true", help="1,000,000 rows / 100,000 customers, plus PySpark")
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--repeat", type=int, help="dangol runs, median reported (default 3 with --small, else 2)")
    p.add_argument("--timeout", type=float, default=600, help="seconds, for each dangol/floor/spark run")
    p.add_argument(
        "--peer-timeout", type=float, default=480, help="seconds for the lifetimes peer (default 480)"
    )
    p.add_argument("--no-peer", action="store_true")
    p.add_argument("--no-spark", action="store_true")
    p.add_argument("--no-boundary", action="store_true", help="skip the no-dropout boundary case")
    p.add_argument("--no-write", action="store_true", help="do not rewrite RESULTS.md")
    p.add_argument("--generate-only", action="store_true")
    p.add_argument(
        "--before",
        help="an earlier dangol/analytics to time right after each run: a git revision (e.g. HEAD) or a folder",
    )
    p.add_argument(
        "--growth",
        help="order-line counts for the cost-growth table, comma-separated (default 1e6,1e7,3e7 for the full run; "
        "'' to skip)",
    )
    args = p.parse_args()
    args.repeat = args.repeat or (3 if args.small else 2)
    if args.growth is None:
        args.growth = "" if args.small else "1e6,1e7,3e7"
    if args.generate_only:
        rows, customers = (1_000_000, 100_000) if args.small else (args.rows, args.customers)
        print(json.dumps(ensure_data(rows, customers, args.seed)[1], indent=2))
        return 0
    return run_bench(args)


if __name__ == "__main__":
    sys.exit(main())
