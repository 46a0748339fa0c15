"""The official OpenPeppol JP PINT Schematron (compiled to XSLT 2.0) run with saxonche.

By default the vendored artefacts in `pint_rules_official/` are run (the PINT base rules `ibr-*`
and the JP rules `aligned-*`; sources, commits and hashes in its SOURCE.md). An administrator may
point URAKATA_PINT_RULES_DIR at another directory of `*.xslt` (e.g. a newer bundle), or set it to
`none` to run only our own checks. Every `svrl:failed-assert` with flag "fatal" (or no flag)
becomes an error with the rule's id. Stylesheets are compiled once per process (≈0.35 s) and each
run takes a few milliseconds per file. Without saxonche the vendored set is skipped silently; an
explicitly configured directory without saxonche is reported as an error.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from urakata.invoicing.pint_model import Problem

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
VENDORED = Path(__file__).resolve().parent / "pint_rules_official"
_lock = threading.Lock()
_compiled: dict[Path, Any] = {}
_processor: list[Any] = []


def rules_files() -> list[Path]:
    """The stylesheets to run: the configured directory, else the vendored official set."""
    folder = os.environ.get("URAKATA_PINT_RULES_DIR", "").strip()
    if folder.lower() == "none":
        return []
    return sorted(Path(folder or VENDORED).glob("*.xslt"))


def _executables(files: list[Path]) -> tuple[Any, list[tuple[Path, Any]]]:
    from saxonche import PySaxonProcessor

    if not _processor:
        _processor.append(PySaxonProcessor(license=False))
    processor = _processor[0]
    compiler = processor.new_xslt30_processor()
    out = []
    for path in files:
        if path not in _compiled:
            _compiled[path] = compiler.compile_stylesheet(stylesheet_file=str(path))
        out.append((path, _compiled[path]))
    return processor, out


def _saxon_missing() -> list[Problem]:
    if not os.environ.get("URAKATA_PINT_RULES_DIR", "").strip():
        return []
    message = "saxonche がインストールされていないため公式ルールを実行できません。"
    return [Problem("urakata-rules", message, "/")]


def official_problems(data: bytes) -> list[Problem]:
    """Fatal failed asserts of the official rules for UBL bytes (empty when none apply)."""
    files = rules_files()
    if not files:
        return []
    try:
        import saxonche
    except ImportError:
        return _saxon_missing()
    from urakata.invoicing.pint_read import parse_xml

    problems: list[Problem] = []
    try:
        with _lock:
            processor, executables = _executables(files)
            document = processor.parse_xml(xml_text=data.decode("utf-8"))
            reports = [
                (path, ex.transform_to_string(xdm_node=document)) for path, ex in executables
            ]
    except (UnicodeDecodeError, saxonche.PySaxonApiError) as exc:
        message = f"公式ルールで検証できません(UTF-8 の UBL XML が必要です): {exc}"
        return [Problem("xml-wellformed", message[:300], "/")]
    for path, report in reports:
        root = parse_xml(report.encode("utf-8"))
        for failed in root.iter(SVRL + "failed-assert"):
            if failed.get("flag", "fatal") != "fatal":
                continue
            text = " ".join("".join(failed.itertext()).split())
            problems.append(Problem(failed.get("id", path.stem), text, failed.get("location", "")))
    return problems
