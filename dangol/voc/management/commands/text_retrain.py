"""dangol text_retrain: retrain the intent/emotion reader from staff corrections (TextLabel) + the base set.

The new model replaces the one in use only if its cross-validated macro-F1 is not worse (dangol.textmining).
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dangol.voc.models import TextLabel


class Command(BaseCommand):
    help = "상담원이 고친 의도/감정 라벨과 기본 학습셋으로 텍스트 분류 모델을 다시 학습합니다 (더 나쁘면 기존 모델 유지)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--folds", type=int, default=5, help="교차검증 fold 수 (cross-validation folds)")
        parser.add_argument("--tolerance", type=float, default=0.01)
        parser.add_argument("--model-dir", help="모델 디렉터리 (default: DANGOL_TEXT_MODEL_DIR)")
        parser.add_argument(
            "--export", help="라벨을 JSONL 파일로도 저장 (also write the labels to this JSONL file)"
        )
        parser.add_argument(
            "--base", help="기본 학습셋 대신 쓸 JSONL (a base set other than the shipped one)"
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from dangol.textmining.model import read_jsonl
            from dangol.textmining.retrain import retrain
        except ImportError as exc:
            raise CommandError(_("dangol.textmining 라이브러리가 없습니다.")) from exc

        rows = [
            {"text": text, "intent": intent, "emotion": emotion}
            for text, intent, emotion in TextLabel.objects.order_by("id").values_list(
                "text", "intent", "emotion"
            )
        ]
        if options["export"]:
            Path(options["export"]).write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
            )
        if not rows:
            self.stdout.write(
                "상담원이 고친 라벨이 없습니다. 다시 학습할 것이 없습니다 (no staff labels yet)."
            )
            return
        if options["folds"] < 2:
            raise CommandError(_("--folds 는 2 이상이어야 합니다."))
        base = read_jsonl(Path(options["base"])) if options["base"] else None
        report = retrain(
            rows,
            base=base,
            directory=Path(options["model_dir"]) if options["model_dir"] else None,
            folds=options["folds"],
            tolerance=options["tolerance"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"라벨 {report['labels']}건 (건너뜀 {report['skipped']}건) + 기본 학습셋 {report['base']}건, "
            f"{report['folds']}-fold 교차검증 macro-F1"
        )
        for label in ("intent_macro_f1", "emotion_macro_f1"):
            self.stdout.write(
                f"  {label}: 새 모델 {report['new'][label]:.4f} / 기존 모델 {report['previous'][label]:.4f}"
            )
        if report["kept"] == "new":
            self.stdout.write(self.style.SUCCESS(f"새 모델을 저장했습니다: {report['directory']}"))
        else:
            self.stdout.write(
                self.style.WARNING("새 모델이 더 나빠 기존 모델을 유지합니다: " + ", ".join(report["worse"]))
            )
