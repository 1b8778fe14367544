"""The `dangol` console command.

`dangol analyze …` and `dangol text classify|evaluate|retrain|mask …` run the pure
libraries without starting Django; everything else is a Django management
command (`dangol migrate`, `dangol import customers FILE`, `dangol serve`, …).
Hyphenated names map to the command modules: `demo-data` → `demo_data`. `dangol`, `dangol -h` and
`dangol --help` print the summary below without starting Django.
"""

from __future__ import annotations

import gc
import os
import sys

# Korean first, English second: this runs before Django (and its translations) is loaded.
USAGE = """\
단골 (Dangol) — 고객 만족·단골 관리 / customer satisfaction and loyalty management

사용법 (usage): dangol COMMAND [OPTIONS]

주요 명령 (main commands):
  analyze FILE --customer COL --date COL --amount COL --end DATE --out DIR
                  거래 파일로 고객 가치 분석 (RFM, BG/NBD, CLV)
                  customer-value analysis of a transactions file
  import customers|orders FILE
                  고객·주문 파일(CSV/XLSX) 가져오기 / import customers or orders
  demo-data       한국어 데모 데이터 만들기 / create Korean demo data
  serve           웹 서버와 작업 처리기를 함께 실행 / run the web server and the job worker
  worker          작업 처리기만 실행 / run the background job worker only
  text classify|evaluate|retrain|mask|trends
                  VOC 텍스트 분석 (의도·감정·개인정보 가림·이슈 추이)
                  Korean VOC text: intent, emotion, masking, trending issues
  kano FILE       Kano 설문 분류 / classify Kano survey answers
  migrate         데이터베이스 준비 / create or update the database

명령별 도움말 (help on one command):   dangol COMMAND --help
모든 명령 (every command, Django's too): dangol help
"""

HELP_FLAGS = {"-h", "--help"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) < 2 or args[1] in HELP_FLAGS:
        sys.stdout.write(USAGE)
        return 0
    if args[1] == "--version":  # Django would print its own version
        from importlib.metadata import version

        import django

        sys.stdout.write(f"dangol {version('dangol')} (Django {django.get_version()})\n")
        return 0
    if len(args) == 3 and args[1] == "help" and args[2] in {"analyze", "text"}:
        args = [args[0], args[2], "--help"]
    if args[1] == "analyze":
        if argv is None:  # this process is the command: one run, then exit (see dangol.analytics.cli.run)
            gc.disable()  # already for the imports below (NumPy, Arrow, DuckDB)
            from dangol.analytics.cli import run

            return run(args[2:])
        from dangol.analytics.cli import main as analyze_main

        return analyze_main(args[2:])
    if args[1] == "text" and (
        len(args) == 2 or args[2] in {"classify", "evaluate", "retrain", "mask", *HELP_FLAGS}
    ):
        from dangol.textmining.cli import main as text_main

        return text_main(args[2:])
    if args[1] == "text" and args[2] == "trends":
        args = [args[0], "text_trends", *args[3:]]
    # `demo-data` → `demo_data`; options (`--version`) and `help demo-data` keep their own spelling
    command = 2 if args[1] == "help" and len(args) >= 3 else 1
    if not args[command].startswith("-"):
        args[command] = args[command].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangol.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
