"""The `dangol` console command.

`dangol analyze …` and `dangol text classify|evaluate|retrain|mask …` run the pure
libraries without starting Django; everything else is a Django management
command (`dangol migrate`, `dangol import customers FILE`, `dangol serve`, …).
Hyphenated names map to the command modules: `demo-data` → `demo_data`.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else argv)
    if len(args) >= 2 and args[1] == "analyze":
        from dangol.analytics.cli import main as analyze_main

        return analyze_main(args[2:])
    if len(args) >= 3 and args[1] == "text" and args[2] in {"classify", "evaluate", "retrain", "mask"}:
        from dangol.textmining.cli import main as text_main

        return text_main(args[2:])
    if len(args) >= 2 and args[1] == "text":
        args = [args[0], "text_trends", *args[3:]] if len(args) >= 3 and args[2] == "trends" else args
    if len(args) >= 2:
        args[1] = args[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangol.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
