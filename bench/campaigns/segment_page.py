"""A saved segment's page and CSV export (issue 16), read from the live tables and from the segment snapshot,
measured in the same run on the same SQLite database (the live reading is the peer).

The database is seeded as bench/campaigns/segments.py does (N customers, consents, value rows, orders with a
category, VOC cases, NPS answers; its `build`), then `dangol.campaigns.snapshot.snapshot_build` writes the
snapshot. Two saved segments: "winback" (dynamic: consent + value tier + last purchase before a date, the one
whose live count walks the order history) and the same frozen. Per reading, R timed runs after one warm-up
(p50/p95 wall, CPU ms of this process per operation):

* page: GET /campaigns/segments/<id>/ through the Django test client (count + 20-row masked sample);
* export: GET …/export.csv, the whole stream read (every member's masked row).

"live" points DANGOL_SEGMENT_SNAPSHOT_DIR at an empty folder; "snapshot" at the fresh snapshot. The run fails if
the two readings disagree (same count, same sample, byte-identical CSV).

    .venv/bin/python bench/campaigns/segment_page.py             # 100,000 customers
    .venv/bin/python bench/campaigns/segment_page.py --quick     # 20,000 customers
    .venv/bin/python bench/campaigns/segment_page.py --customers 1000000
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # bench/: the helpers all harnesses share
sys.path.insert(0, str(HERE.parents[1]))
from _common import django_env, loadavg, logger, machine_facts  # noqa: E402

ROOT = HERE.parents[1]
VAR = ROOT / "var" / "bench" / "campaigns" / "segment-page"
RESULTS = HERE / "RESULTS-segment-page.md"
log = logger("campaigns/segment_page")


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(repeat: int, var_dir: Path) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth.models import Permission, User
    from django.test import Client
    from django.utils import timezone
    from segments import SEGMENTS

    from dangol.campaigns.models import Segment
    from dangol.campaigns.services import segment_freeze
    from dangol.campaigns.snapshot import snapshot_build

    user = User.objects.create_user("bench-manager", password="x")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_segment", "add_segment", "view_customer"])
    )
    client = Client()
    client.force_login(user)
    definition = SEGMENTS["winback"]["definition"]
    dynamic = Segment.objects.create(name="winback", definition=definition)
    frozen = segment_freeze(segment=Segment.objects.create(name="winback-frozen", definition=definition))
    t0, c0 = time.perf_counter(), time.process_time()
    meta = snapshot_build(now=timezone.now())
    built = {"rows": meta["rows"], "wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0}
    log(f"snapshot of {meta['rows']:,} customers in {built['wall_s']:.1f} s")
    snapshot_dir = str(var_dir / "segments")
    empty = var_dir / "no-snapshot"
    empty.mkdir(parents=True, exist_ok=True)

    def page(segment: Segment) -> tuple[int, str]:
        body = client.get(f"/campaigns/segments/{segment.pk}/", secure=True).content.decode()
        count = int(re.search(r'id="segment-count">([\d,]+)', body).group(1).replace(",", ""))  # type: ignore[union-attr]
        sample = body.split('id="segment-sample"')[1].split("</table>")[0]
        return count, sample

    def export(segment: Segment) -> bytes:
        response = client.get(f"/campaigns/segments/{segment.pk}/export.csv", secure=True)
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]

    results: dict[str, Any] = {"snapshot_build": built}
    for segment in (dynamic, frozen):
        for kind, fn in (("page", page), ("export", export)):
            answers = {}
            for source in ("live", "snapshot"):
                settings.DANGOL_SEGMENT_SNAPSHOT_DIR = str(empty) if source == "live" else snapshot_dir
                fn(segment)  # warm
                samples = []
                out: Any = None
                for _i in range(repeat):
                    c0, w0 = time.process_time(), time.perf_counter()
                    out = fn(segment)
                    samples.append((time.perf_counter() - w0, time.process_time() - c0))
                answers[source] = out
                walls = [s[0] for s in samples]
                row = {
                    "p50": statistics.median(walls),
                    "p95": _pct(walls, 0.95),
                    "cpu_ms": 1000 * statistics.median(s[1] for s in samples),
                    "size": out[0] if kind == "page" else out.count(b"\n") - 1,
                }
                results[f"{segment.name} {kind} {source}"] = row
                log(
                    f"  {segment.name:<15} {kind:<6} {source:<8} p50 {row['p50'] * 1000:8.1f} ms  "
                    f"p95 {row['p95'] * 1000:8.1f} ms  cpu {row['cpu_ms']:8.1f} ms  → {row['size']:,}"
                )
            if answers["live"] != answers["snapshot"]:
                raise SystemExit(f"{segment.name} {kind}: the snapshot and the live tables disagree")
    return results


def child(cfg: dict[str, Any], out: Path) -> None:
    import django

    django.setup()
    from segments import build

    log(f"migrate + {cfg['customers']:,} customers")
    built = build(cfg["customers"], cfg["seed"])
    log(f"built in {built['load_s']:.0f} s; measuring")
    result = {"build": built, "runs": measure(cfg["repeat"], Path(cfg["var"]))}
    out.write_text(json.dumps(result, default=str), encoding="utf-8")


def table(result: dict[str, Any], cfg: dict[str, Any]) -> str:
    snap = result["runs"].pop("snapshot_build")
    lines = [
        f"Customers: {cfg['customers']:,} (seed {cfg['seed']}), SQLite; {cfg['repeat']} timed runs after one warm-up; "
        f"snapshot written in {snap['wall_s']:.1f} s ({snap['cpu_s']:.1f} s CPU); load average at the end {loadavg()}.",
        "",
        "| segment | reading | source | rows | p50 ms | p95 ms | CPU ms/op | CPU vs live |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    runs = result["runs"]
    for key, row in runs.items():
        name, kind, source = key.split(" ")
        peer = runs[f"{name} {kind} live"]
        ratio = row["cpu_ms"] / peer["cpu_ms"] if peer["cpu_ms"] else float("nan")
        lines.append(
            f"| {name} | {kind} | {source} | {row['size']:,} | {row['p50'] * 1000:.1f} | {row['p95'] * 1000:.1f} | "
            f"{row['cpu_ms']:.1f} | {ratio:.2f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="20,000 customers")
    parser.add_argument("--small", action="store_true", help="the same as --quick (make bench)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(json.loads(args.config.read_text(encoding="utf-8")), args.out)
        return
    n = 20_000 if (args.quick or args.small) else args.customers
    var_dir = VAR / f"c{n}"
    var_dir.mkdir(parents=True, exist_ok=True)
    cfg = {"customers": n, "seed": args.seed, "repeat": args.repeat, "var": str(var_dir)}
    cfg_path, out = var_dir / "config.json", var_dir / "result.json"
    cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
    out.unlink(missing_ok=True)
    db = var_dir / f"segment-page-{n}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = django_env(var_dir, db)
    me = [sys.executable, __file__, "--child", "--config", str(cfg_path), "--out", str(out)]
    started = time.perf_counter()
    proc = subprocess.run(me, cwd=ROOT, env=env, stdout=sys.stderr, check=False)
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"bench/campaigns/segment_page: failed (exit {proc.returncode})")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    body = table(result, cfg)
    print(body)
    facts = machine_facts()
    generated = (
        "<!-- generated by bench/campaigns/segment_page.py: the part above the analysis is rewritten on each run -->\n"
        f"## Run ({n:,} customers, {time.perf_counter() - started:.0f} s in all)\n\n"
        + "Machine: "
        + ", ".join(f"{k} {v}" for k, v in facts.items())
        + "\n\n"
        + body
        + "\n"
    )
    marker = "## Analysis (hand-written)"
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    analysis = old[old.index(marker) :] if marker in old else f"{marker}\n\n(to be written)\n"
    head = "# Segment page and export at size (issue 16)\n\n`bench/campaigns/segment_page.py`.\n\n"
    RESULTS.write_text(head + generated + "\n" + analysis, encoding="utf-8")


if __name__ == "__main__":
    main()
