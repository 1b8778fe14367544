"""List hard-coded Hangul messages that bypass gettext, so English users would see Korean.

Usage: python scripts/hangul_messages.py [PATH ...]   (default: dangol/)
Prints file:line for each Korean string literal (plain or f-string) that is not the argument of a
translation call (_, gettext, gettext_lazy, ngettext, ...) and that sits
- inside a `raise` statement,
- in the value of an `errors[...] = ...` assignment, or
- in the arguments of ValidationError, CommandError or PermissionDenied.
Tests, migrations, the pure libraries (analytics, textmining), en_strings.py and demo data are skipped.
Exits 1 when it finds any, so it can run as a check.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
TRANSLATE = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
MESSAGE_EXCEPTIONS = {"ValidationError", "CommandError", "PermissionDenied"}
SKIP_DIRS = {"tests", "migrations", "textmining", "analytics", "demo", ".venv", "node_modules"}
SKIP_FILES = {"en_strings.py", "demo.py", "conftest.py"}


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_errors_subscript(target: ast.expr) -> bool:
    if not isinstance(target, ast.Subscript):
        return False
    owner = target.value
    name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
    return name == "errors"


def _has_hangul(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(HANGUL.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_has_hangul(part) for part in node.values if isinstance(part, ast.Constant))
    return False


def _in_message_context(literal: ast.expr, chain: list[ast.AST]) -> bool:
    """`chain` runs from the literal's parent up to the module."""
    child: ast.AST = literal
    for node in chain:
        if isinstance(node, ast.Raise):
            return True
        if isinstance(node, ast.Call) and _call_name(node) in MESSAGE_EXCEPTIONS:
            return True
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and child is getattr(node, "value", None):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_is_errors_subscript(t) for t in targets):
                return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            return False
        child = node
    return False


def findings(source: str, filename: str) -> Iterator[tuple[int, str]]:
    tree = ast.parse(source, filename=filename)
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Constant, ast.JoinedStr)) or not _has_hangul(node):
            continue
        if isinstance(parents.get(node), ast.JoinedStr):
            continue  # a piece of an f-string: the f-string itself is reported
        chain = []
        current = parents.get(node)
        while current is not None:
            chain.append(current)
            current = parents.get(current)
        nearest_call = next((n for n in chain if isinstance(n, ast.Call)), None)
        if nearest_call is not None and _call_name(nearest_call) in TRANSLATE:
            continue
        if _in_message_context(node, chain):
            text = node.value if isinstance(node, ast.Constant) else ast.unparse(node)
            yield node.lineno, str(text)


def python_files(paths: list[Path]) -> Iterator[Path]:
    for path in paths:
        candidates = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in candidates:
            if SKIP_DIRS.intersection(file.parts) or file.name in SKIP_FILES or file.name.startswith("test_"):
                continue
            yield file


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or [Path(__file__).resolve().parents[1] / "dangol"]
    root = Path.cwd()
    found = 0
    for file in python_files(paths):
        shown = file.resolve().relative_to(root) if file.resolve().is_relative_to(root) else file
        for line, text in sorted(findings(file.read_text(encoding="utf-8"), str(file))):
            print(f"{shown}:{line}: {text[:70]}")
            found += 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
