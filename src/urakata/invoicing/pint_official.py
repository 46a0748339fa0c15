"""Optional: the official OpenPeppol JP PINT Schematron (compiled to XSLT) run with saxonche.

An administrator points URAKATA_PINT_RULES_DIR at a directory holding the published
`PINT-UBL-validation-preprocessed.xslt` and `PINT-jurisdiction-aligned-rules.xslt`; every
`svrl:failed-assert` with flag "fatal" (or no flag) becomes an error with the rule's id. Without
the directory (or without saxonche) nothing is added.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from urakata.invoicing.pint_read import Problem

SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def rules_files() -> list[Path]:
    folder = os.environ.get("URAKATA_PINT_RULES_DIR", "")
    if not folder:
        return []
    return sorted(Path(folder).glob("*.xslt"))


def official_problems(data: bytes) -> list[Problem]:
    files = rules_files()
    if not files:
        return []
    try:
        from saxonche import PySaxonProcessor
    except ImportError:
        return [
            Problem(
                "urakata-rules",
                "saxonche がインストールされていないため公式ルールを実行できません。",
                "/",
            )
        ]
    from urakata.invoicing.pint_read import parse_xml

    problems: list[Problem] = []
    with PySaxonProcessor(license=False) as processor:
        xslt = processor.new_xslt30_processor()
        document = processor.parse_xml(xml_text=data.decode("utf-8"))
        for path in files:
            executable: Any = xslt.compile_stylesheet(stylesheet_file=str(path))
            report = executable.transform_to_string(xdm_node=document)
            root = parse_xml(report.encode("utf-8"))
            for failed in root.iter(SVRL + "failed-assert"):
                if failed.get("flag", "fatal") != "fatal":
                    continue
                text = "".join(failed.itertext()).strip()
                problems.append(
                    Problem(failed.get("id", path.stem), text, failed.get("location", ""))
                )
    return problems
