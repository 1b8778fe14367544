"""Fill the English catalogue from scripts/en_strings.py (msgid → English), keeping other entries.

Usage: python scripts/fill_po.py dangol/locale/en/LC_MESSAGES/django.po
Prints the msgids that still have no English, so a new string is not forgotten.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from en_strings import EN

# Each app may keep its own English next to its code: dangol/<app>/en_strings.py with EN = {...}.
for extra in sorted(Path(__file__).resolve().parents[1].glob("dangol/*/en_strings.py")):
    namespace: dict = {}
    exec(compile(extra.read_text(encoding="utf-8"), str(extra), "exec"), namespace)  # noqa: S102 (our own file)
    EN.update(namespace.get("EN", {}))


def _unquote(lines: list[str]) -> str:
    return "".join(
        re.match(r'^(?:msgid|msgid_plural|msgstr(?:\[\d\])?)?\s*"(.*)"$', ln).group(1) for ln in lines
    )  # type: ignore[union-attr]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(path: str) -> int:
    blocks = Path(path).read_text(encoding="utf-8").split("\n\n")
    missing = []
    out = []
    for block in blocks:
        lines = block.split("\n")
        try:
            start = next(i for i, ln in enumerate(lines) if ln.startswith("msgid "))
        except StopIteration:
            out.append(block)
            continue
        end = start + 1
        while end < len(lines) and lines[end].startswith('"'):
            end += 1
        msgid = _unquote(lines[start:end]).encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        if not msgid:
            out.append(block)
            continue
        english = EN.get(msgid)
        head = [ln for ln in lines[:start] if not ln.startswith("#, fuzzy")]
        rest = lines[start:end]
        plural = [ln for ln in lines[end:] if ln.startswith("msgid_plural")]
        if english is None:
            missing.append(msgid)
            out.append(block)
            continue
        if plural:
            singular, many = english if isinstance(english, tuple) else (english, english)
            out.append(
                "\n".join(
                    head + rest + plural + [f"msgstr[0] {_quote(singular)}", f"msgstr[1] {_quote(many)}"]
                )
            )
        else:
            out.append("\n".join(head + rest + [f"msgstr {_quote(english)}"]))
    Path(path).write_text("\n\n".join(out), encoding="utf-8")
    for msgid in missing:
        print("no English for:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
