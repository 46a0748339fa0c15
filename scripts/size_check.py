#!/usr/bin/env python3
"""Size limits that keep modules readable (STYLE.md "Sizes and words"), checked in `make test`.

- a module (not a test, not a migration) has at most MODULE_LIMIT lines;
- a function or method has at most FUNCTION_LIMIT lines (tests included, migrations not).

Known offenders are listed in scripts/size_allowlist.txt with their size when they were listed:
they may shrink but not grow, and an entry that is no longer needed must be removed.
Usage: scripts/size_check.py [--update]   (--update rewrites the allow-list from the tree)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "urakata"
ALLOWLIST = ROOT / "scripts" / "size_allowlist.txt"
MODULE_LIMIT = 500
FUNCTION_LIMIT = 60


def _is_test(path: Path) -> bool:
    return "tests" in path.parts or path.name == "conftest.py"


def measure() -> dict[str, int]:
    """Every module and function over its limit, keyed `path` or `path::qualname`."""
    found: dict[str, int] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        lines = source.count("\n") + 1
        if not _is_test(path) and lines > MODULE_LIMIT:
            found[rel] = lines
        for name, length in _functions(ast.parse(source)):
            if length > FUNCTION_LIMIT:
                found[f"{rel}::{name}"] = length
    return found


def _functions(tree: ast.AST, prefix: str = "") -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            out.append((prefix + node.name, (node.end_lineno or node.lineno) - start + 1))
            out.extend(_functions(node, f"{prefix}{node.name}."))
        elif isinstance(node, ast.ClassDef):
            out.extend(_functions(node, f"{prefix}{node.name}."))
    return out


def _read_allowlist() -> dict[str, int]:
    allowed: dict[str, int] = {}
    if ALLOWLIST.exists():
        for line in ALLOWLIST.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                key, size = line.rsplit(maxsplit=1)
                allowed[key] = int(size)
    return allowed


def main(argv: list[str]) -> int:
    found = measure()
    if "--update" in argv:
        header = (
            "# Known size offenders (scripts/size_check.py): may shrink, not grow. Split them.\n"
        )
        body = "".join(f"{key} {size}\n" for key, size in sorted(found.items()))
        ALLOWLIST.write_text(header + body, encoding="utf-8")
        print(f"{len(found)} entries written to {ALLOWLIST.relative_to(ROOT)}")
        return 0
    allowed = _read_allowlist()
    problems = []
    for key, size in sorted(found.items()):
        limit = FUNCTION_LIMIT if "::" in key else MODULE_LIMIT
        if key not in allowed:
            problems.append(f"{key}: {size} lines (limit {limit}): split it")
        elif size > allowed[key]:
            problems.append(f"{key}: grew from {allowed[key]} to {size} lines: split it")
    problems += [
        f"{key}: within limits now: remove it from the allow-list"
        for key in sorted(set(allowed) - set(found))
    ]
    for problem in problems:
        print(problem)
    print(f"size check: {len(found)} known offenders, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
