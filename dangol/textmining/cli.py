"""``dangol text classify|evaluate|retrain|mask`` — the command line of dangol.textmining.

classify [FILE]   JSON lines with ``text`` in (stdin without FILE), one JSON line out per input.
evaluate FILE     lines with ``text``, ``intent``, ``emotion``: accuracy, macro-F1, confusion matrices.
retrain LABELS    staff labels (JSONL text/intent/emotion) + the base set → new model if not worse.
mask [FILE]       JSON lines with ``text`` in, the masked text out.

Bad input (not JSON, no ``text``, unknown label) stops with a message naming the line, exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

BATCH = 512
OUTPUT_FIELDS = (
    "intent",
    "intent_score",
    "emotion",
    "emotion_score",
    "difficult_cues",
    "keywords",
    "masked_text",
)


class InputError(Exception):
    pass


def _open(path: str | None) -> IO[str]:
    if path in (None, "-"):
        return sys.stdin
    try:
        return open(path, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"파일을 열 수 없습니다 (cannot open file): {path}: {exc.strerror}") from exc


def read_rows(path: str | None, required: tuple[str, ...] = ("text",)) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for every non-blank line; InputError naming the first bad line."""
    from dangol.textmining.model import EMOTIONS, INTENTS

    allowed = {"intent": INTENTS, "emotion": EMOTIONS}
    rows: list[tuple[int, dict[str, Any]]] = []
    stream = _open(path)
    try:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    f"{number}번째 줄: 올바른 JSON이 아닙니다 (line {number}: invalid JSON: {exc.msg})"
                ) from exc
            if not isinstance(obj, dict):
                raise InputError(f"{number}번째 줄: JSON 객체가 아닙니다 (line {number}: not a JSON object)")
            for key in required:
                value = obj.get(key)
                if not isinstance(value, str):
                    raise InputError(
                        f"{number}번째 줄: '{key}' 값(문자열)이 없습니다 "
                        f"(line {number}: missing string field '{key}')"
                    )
                if key in allowed and value not in allowed[key]:
                    raise InputError(
                        f"{number}번째 줄: '{key}' 값 '{value}'을(를) 모릅니다 — "
                        f"{', '.join(allowed[key])} 중 하나 (line {number}: unknown {key})"
                    )
            rows.append((number, obj))
    except UnicodeDecodeError as exc:
        raise InputError(f"UTF-8 텍스트가 아닙니다 (input is not UTF-8): {exc.reason}") from exc
    finally:
        if stream is not sys.stdin:
            stream.close()
    return rows


def _batches(rows: list[tuple[int, dict[str, Any]]]) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def cmd_classify(args: argparse.Namespace) -> int:
    from dangol.textmining.analysis import analyze_many

    rows = read_rows(args.file)
    out = sys.stdout
    for batch in _batches(rows):
        results = analyze_many([obj["text"] for _, obj in batch])
        for (_, obj), result in zip(batch, results, strict=True):
            data = result.as_dict()
            record: dict[str, Any] = {"id": obj["id"]} if "id" in obj else {}
            record.update({k: data[k] for k in OUTPUT_FIELDS})
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return 0


def cmd_mask(args: argparse.Namespace) -> int:
    from dangol.textmining.pii import mask_pii

    for _, obj in read_rows(args.file):
        masked, found = mask_pii(obj["text"])
        sys.stdout.write(
            json.dumps({"masked_text": masked, "found": [f["type"] for f in found]}, ensure_ascii=False)
            + "\n"
        )
    return 0


def confusion_table(labels: tuple[str, ...], truth: list[str], pred: list[str]) -> str:
    index = {label: i for i, label in enumerate(labels)}
    counts = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, pred, strict=True):
        counts[index[t]][index[p]] += 1
    width = max(len(label) for label in labels) + 2
    lines = ["실제\\예측".ljust(width) + "".join(label[:12].rjust(14) for label in labels)]
    for label, row in zip(labels, counts, strict=True):
        lines.append(label.ljust(width) + "".join(str(n).rjust(14) for n in row))
    return "\n".join(lines)


def evaluate_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    from dangol.textmining.analysis import analyze_many
    from dangol.textmining.model import EMOTIONS, INTENTS

    results = []
    for i in range(0, len(rows), BATCH):
        results.extend(analyze_many([r["text"] for r in rows[i : i + BATCH]]))
    report: dict[str, Any] = {"n": len(rows)}
    for key, labels in (("intent", INTENTS), ("emotion", EMOTIONS)):
        truth = [r[key] for r in rows]
        pred = [getattr(res, key) for res in results]
        p, r, f, s = precision_recall_fscore_support(truth, pred, labels=list(labels), zero_division=0)
        report[key] = {
            "accuracy": round(float(accuracy_score(truth, pred)), 4),
            "macro_f1": round(
                float(f1_score(truth, pred, labels=list(labels), average="macro", zero_division=0)), 4
            ),
            "per_label": {
                label: {
                    "precision": round(float(p[j]), 3),
                    "recall": round(float(r[j]), 3),
                    "f1": round(float(f[j]), 3),
                    "support": int(s[j]),
                }
                for j, label in enumerate(labels)
            },
            "confusion": confusion_table(labels, truth, pred),
        }
    return report


def cmd_evaluate(args: argparse.Namespace) -> int:
    rows = [obj for _, obj in read_rows(args.file, required=("text", "intent", "emotion"))]
    if not rows:
        raise InputError("평가할 줄이 없습니다 (no rows to evaluate)")
    report = evaluate_rows(rows)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(f"메시지 {report['n']}건 (messages)")
    for key in ("intent", "emotion"):
        part = report[key]
        print(f"\n[{key}] accuracy {part['accuracy']:.3f}  macro-F1 {part['macro_f1']:.3f}")
        for label, m in part["per_label"].items():
            print(
                f"  {label:<15} P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}  n={m['support']}"
            )
        print(part["confusion"])
    return 0


def cmd_retrain(args: argparse.Namespace) -> int:
    from dangol.textmining.retrain import retrain

    rows = [obj for _, obj in read_rows(args.labels, required=("text", "intent", "emotion"))]
    report = retrain(
        rows,
        directory=Path(args.model_dir) if args.model_dir else None,
        folds=args.folds,
        tolerance=args.tolerance,
    )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(
        f"라벨 {report['labels']}건 + 기본 학습셋 {report['base']}건, {report['folds']}-fold 교차검증 macro-F1"
    )
    for label in ("intent_macro_f1", "emotion_macro_f1"):
        print(f"  {label:<18} 새 모델 {report['new'][label]:.4f}   기존 모델 {report['previous'][label]:.4f}")
    if report["kept"] == "new":
        print(f"새 모델을 사용합니다 (new model saved in {report['directory']})")
    else:
        print(
            "새 모델이 더 나쁘므로 기존 모델을 유지합니다 (kept the previous model: "
            f"{', '.join(report['worse'])} worse)"
        )
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dangol text", description="한국어 VOC 텍스트 분석 (Korean VOC text analysis)"
    )
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("classify", help="JSON lines with text → intent, emotion, cues, keywords, masked text")
    c.add_argument("file", nargs="?")
    c.set_defaults(func=cmd_classify)
    e = sub.add_parser(
        "evaluate", help="JSON lines with text, intent, emotion → accuracy, macro-F1, confusion"
    )
    e.add_argument("file")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_evaluate)
    r = sub.add_parser("retrain", help="staff labels + base set → new model (kept only if not worse)")
    r.add_argument("labels")
    r.add_argument("--folds", type=int, default=5)
    r.add_argument("--tolerance", type=float, default=0.01)
    r.add_argument("--model-dir")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_retrain)
    m = sub.add_parser("mask", help="JSON lines with text → masked text")
    m.add_argument("file", nargs="?")
    m.set_defaults(func=cmd_mask)
    return p


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except InputError as exc:
        print(f"오류: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
