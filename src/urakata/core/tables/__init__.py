"""Tables in and out (CSV / Excel) for every domain: one reader, one writer.

Reading (`reading`): upload checks, encoding detection (UTF-8 with or without BOM, UTF-16 with
BOM, CP932/Shift_JIS), CSV and .xlsx parsed to a `Table`. Mapping (`mapping`): header aliases to
fields, a row-level error report, all-or-nothing imports. Writing (`writing`): formula-escaped CSV
and .xlsx, streamed for large exports, and the one audit event per import or export. Bulk
(`bulk`): database helpers for large imports. See docs/architecture.md ("Tables").
"""

from urakata.core.tables.bulk import BATCH, audit_many, by_code, chunked, update_many
from urakata.core.tables.mapping import (
    Column,
    ImportRejected,
    ImportResult,
    RowError,
    Sheet,
    audit_import,
    choice_label,
    choice_values,
    header_key,
    header_of,
    import_atomic,
    map_header,
    mark_duplicates,
    read_sheet,
    reject_if_errors,
)
from urakata.core.tables.reading import (
    FORMULA_START,
    MAX_ROWS,
    Table,
    csv_records,
    csv_unescape,
    decode_text,
    read_table,
)
from urakata.core.tables.writing import (
    CSV_CONTENT_TYPE,
    FORMATS,
    XLSX_CONTENT_TYPE,
    ExportFile,
    audit_export,
    check_format,
    csv_cell,
    csv_chunks,
    escape_text,
    export_file,
    needs_escape,
    table_response,
    write_csv,
    write_xlsx,
    write_xlsx_to,
)

__all__ = [
    "BATCH",
    "CSV_CONTENT_TYPE",
    "FORMATS",
    "FORMULA_START",
    "MAX_ROWS",
    "XLSX_CONTENT_TYPE",
    "Column",
    "ExportFile",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "Sheet",
    "Table",
    "audit_export",
    "audit_import",
    "audit_many",
    "by_code",
    "check_format",
    "choice_label",
    "choice_values",
    "chunked",
    "csv_cell",
    "csv_chunks",
    "csv_records",
    "csv_unescape",
    "decode_text",
    "escape_text",
    "export_file",
    "header_key",
    "header_of",
    "import_atomic",
    "map_header",
    "mark_duplicates",
    "needs_escape",
    "read_sheet",
    "read_table",
    "reject_if_errors",
    "table_response",
    "update_many",
    "write_csv",
    "write_xlsx",
    "write_xlsx_to",
]
