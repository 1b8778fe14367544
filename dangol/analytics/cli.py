"""`dangol analyze FILE --customer COL --date COL --amount COL --end DATE [...] --out DIR`.

Writes DIR/customers.parquet (the scorecard), DIR/report.json and DIR/report.html. Bad input → a clear
message naming the column and row on stderr, exit code 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, NoReturn

from dangol.analytics import engine, pipeline, segments
from dangol.analytics.report import render_html

STEPS = ["load", "summary", "bgnbd", "gamma_gamma", "score", "report", "holdout"]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"날짜는 YYYY-MM-DD 형식이어야 합니다: {text}") from exc


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own exit code is also 2; keep a Korean hint
        self.print_usage(sys.stderr)
        sys.stderr.write(f"오류: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="dangol analyze",
        description="고객 가치 분석: RFM, BG/NBD, Gamma-Gamma, CLV, 2:8, 관계 단계, 코호트, 3R",
    )
    p.add_argument("file", help="거래 파일 (CSV 또는 Parquet)")
    p.add_argument("--customer", required=True, help="고객 ID 열")
    p.add_argument("--date", required=True, help="거래 일자 열")
    p.add_argument("--amount", required=True, help="금액 열")
    p.add_argument("--category", help="상품 분류 열 (관련 판매 계산용, 선택)")
    p.add_argument("--end", required=True, type=_date, help="보정 기간 끝 (YYYY-MM-DD)")
    p.add_argument("--holdout-end", type=_date, help="검증 기간 끝: 예측과 실제를 비교")
    p.add_argument("--time-unit", choices=["day", "week"], default="week")
    p.add_argument("--horizon", type=float, default=52.0, help="CLV 기간 (time-unit 단위, 기본 52)")
    p.add_argument("--discount-rate", type=float, default=0.10, help="연 할인율 (기본 0.10)")
    p.add_argument(
        "--engine",
        choices=["duckdb", "pyspark"],
        help="계산 엔진 (기본 duckdb; --spark-remote나 --spark-master를 주면 pyspark)",
    )
    p.add_argument(
        "--spark-remote",
        default=os.environ.get("DANGOL_SPARK_REMOTE") or None,
        help="Spark Connect 주소 (sc://host:15002, 환경변수 DANGOL_SPARK_REMOTE): pyspark 엔진이 그 서버에서 계산",
    )
    p.add_argument(
        "--spark-master",
        default=os.environ.get("DANGOL_SPARK_MASTER") or None,
        help="Spark 마스터 URL (spark://host:7077, yarn, k8s://…; 환경변수 DANGOL_SPARK_MASTER; 기본 local[2])",
    )
    p.add_argument("--advocates", help="옹호자 후보 고객 ID 목록 파일 (추천 고객, NPS 추천자; 한 줄에 하나)")
    p.add_argument("--partners", help="동반자로 지정된 고객 ID 목록 파일 (한 줄에 하나)")
    p.add_argument("--super-share", type=float, default=0.05, help="초우량 비율 (CLV 상위, 기본 0.05)")
    p.add_argument("--superior-share", type=float, default=0.15, help="우량 비율 (기본 0.15)")
    p.add_argument("--regular-share", type=float, default=0.50, help="일반 비율 (기본 0.50, 나머지는 관리)")
    p.add_argument("--out", required=True, help="결과 폴더")
    p.add_argument("--no-progress", action="store_true")
    return p


def _id_list(path: str | None) -> frozenset[str]:
    """Customer ids, one per line (a header line `customer_id` is skipped)."""
    if not path:
        return frozenset()
    file = Path(path)
    if not file.exists():
        raise engine.InputError(f"파일이 없습니다: {file}")
    ids = {line.strip().split(",")[0] for line in file.read_text(encoding="utf-8-sig").splitlines()}
    return frozenset(i for i in ids if i and i != "customer_id")


def _from_environment(args: argparse.Namespace) -> bool:
    """True when the Spark addresses came from DANGOL_SPARK_REMOTE / DANGOL_SPARK_MASTER, not the command
    line: then `--engine duckdb` simply wins (the environment names a cluster for runs that want one)."""
    remote, master = os.environ.get("DANGOL_SPARK_REMOTE"), os.environ.get("DANGOL_SPARK_MASTER")
    return args.spark_remote in (None, remote) and args.spark_master in (None, master)


class _Silent:
    """What `--no-progress` shows: nothing (tqdm is not imported then; its import costs ≈ 0.05 CPU s)."""

    def set_postfix_str(self, _text: str) -> None:
        pass

    def update(self, _n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(steps: int, *, disabled: bool) -> Any:
    if disabled:
        return _Silent()
    from tqdm import tqdm

    return tqdm(total=steps, desc="analyze", unit="step", file=sys.stderr)


def _write_parquet(scorecard: Any, out: Path) -> None:
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(scorecard, out / "customers.parquet")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    shares = (args.super_share, args.superior_share, args.regular_share)
    if any(not 0 <= v <= 1 for v in shares) or sum(shares) > 1:
        sys.stderr.write("입력 오류: 등급 비율은 0과 1 사이이고 합이 1 이하여야 합니다\n")
        return 2
    try:
        ladder = segments.LadderRules(advocates=_id_list(args.advocates), partners=_id_list(args.partners))
    except engine.InputError as exc:
        sys.stderr.write(f"입력 오류: {exc}\n")
        return 2
    if args.spark_remote and args.spark_master:  # one from the environment gives way to the command line
        if args.spark_master == os.environ.get("DANGOL_SPARK_MASTER"):
            args.spark_master = None
        elif args.spark_remote == os.environ.get("DANGOL_SPARK_REMOTE"):
            args.spark_remote = None
        else:
            sys.stderr.write("입력 오류: --spark-remote와 --spark-master 중 하나만 지정하세요\n")
            return 2
    spark = bool(args.spark_remote or args.spark_master)
    if args.engine == "duckdb" and spark and not _from_environment(args):
        sys.stderr.write(
            "입력 오류: --spark-remote와 --spark-master는 pyspark 엔진에만 씁니다 (--engine pyspark)\n"
        )
        return 2
    engine_name = args.engine or ("pyspark" if spark else "duckdb")
    options = pipeline.Options(
        end=args.end,
        holdout_end=args.holdout_end,
        time_unit=args.time_unit,
        horizon=args.horizon,
        annual_discount_rate=args.discount_rate,
        engine=engine_name,
        spark_remote=args.spark_remote if engine_name == "pyspark" else None,
        spark_master=args.spark_master if engine_name == "pyspark" else None,
        cutoffs=segments.TierCutoffs(*shares),
        ladder=ladder,
    )
    cols = engine.Columns(customer=args.customer, date=args.date, amount=args.amount, category=args.category)
    steps = len(STEPS) - (0 if args.holdout_end else 1) + 1
    bar = _progress_bar(steps, disabled=args.no_progress)

    def progress(step: str) -> None:
        bar.set_postfix_str(step)
        bar.update(1)

    out = Path(args.out)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dangol-write") as writer:
        writing: list[Future[None]] = []

        def write_scorecard(scorecard: Any) -> None:
            """customers.parquet on another thread while the report is assembled (Arrow's writer runs without
            the GIL). Not with --holdout-end: its check comes after the scorecard and may still refuse the
            input, and a refused run writes nothing."""
            writing.append(writer.submit(_write_parquet, scorecard, out))

        try:
            scorecard, report = pipeline.analyze(
                args.file,
                cols,
                options,
                progress=progress,
                scorecard_ready=None if args.holdout_end else write_scorecard,
            )
        except engine.InputError as exc:
            bar.close()
            sys.stderr.write(f"입력 오류: {exc}\n")
            return 2
        if not writing:
            writing.append(writer.submit(_write_parquet, scorecard, out))
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        (out / "report.html").write_text(render_html(report), encoding="utf-8")
        writing[0].result()
    progress("write")
    bar.close()
    sys.stderr.write(
        f"고객 {report['n_customers']:,}명 → {out}/customers.parquet, report.json, report.html\n"
    )
    holdout = report.get("holdout")
    if holdout:
        sys.stderr.write(
            f"검증 기간 예측 오차: 그룹별 평균 절대오차 {holdout['mean_abs_error_by_group']}, "
            f"전체 {holdout['total_error_pct']}%\n"
        )
    return 0


def run(argv: list[str] | None = None) -> int:
    """`main` as a process of its own (the `dangol analyze` command, `python -m dangol.analytics`): one analysis,
    then the process ends. Python's cyclic garbage collector is off for the run (its passes over every object of
    NumPy, Arrow, DuckDB and SciPy cost ≈ 0.15 CPU s at 10M lines; the run makes few cycles), and what is left is
    frozen before the exit, so that the interpreter's shutdown collections do not walk it again (≈ 0.3 CPU s).
    Not for in-process callers (the app's value run calls `main`): their process goes on."""
    gc.disable()
    try:
        return main(argv)
    finally:
        gc.freeze()


if __name__ == "__main__":
    sys.exit(run())
