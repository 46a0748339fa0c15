"""Reading knowledge files (PDF, DOCX, Markdown, text, HTML) into headed blocks, then chunks."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePath

from django.utils.translation import gettext as _

from urakata.core.errors import ValidationFailed
from urakata.core.files import upload_size_problem
from urakata.core.tables import decode_text

ALLOWED_EXTENSIONS = {".pdf", ".docx", ".md", ".markdown", ".txt", ".html", ".htm"}
CHUNK_CHARS = 500


@dataclass
class Block:
    """A paragraph of text under a heading path (見出し > 小見出し)."""

    heading: str
    text: str


@dataclass
class Chunk:
    heading: str
    text: str


def check_upload(*, name: str, data: bytes) -> str:
    """The file kind ('pdf', 'docx', 'md', 'txt', 'html') after checking extension, size and content."""
    errors: dict[str, list[str]] = {}
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        errors.setdefault("file", []).append(
            _(
                "このファイル形式(%(value)s)は取り込めません。PDF・DOCX・Markdown・テキスト・HTML に対応しています。"
            )
            % {"value": suffix or _("拡張子なし")}
        )
    if not data:
        errors.setdefault("file", []).append(_("ファイルが空です。"))
    too_big = upload_size_problem(name=name, size=len(data))
    if too_big:
        errors.setdefault("file", []).append(too_big)
    kind = {".markdown": "md", ".htm": "html"}.get(suffix, suffix.lstrip("."))
    if not errors:
        if kind == "pdf" and not data.startswith(b"%PDF-"):
            errors["file"] = [_("PDF ファイルではありません(内容が PDF 形式ではありません)。")]
        elif kind == "docx" and not _is_docx(data):
            errors["file"] = [_("DOCX ファイルではありません(内容が Word 形式ではありません)。")]
        elif kind in ("md", "txt", "html"):
            if b"\x00" in data[:4096]:
                errors["file"] = [_("テキストファイルではありません(バイナリです)。")]
            else:
                try:
                    decode_text(data)
                except ValidationFailed:
                    errors["file"] = [_("文字コードを判別できません(UTF-8 で保存してください)。")]
    if errors:
        raise ValidationFailed(_("ファイルを取り込めません。"), errors=errors)
    return kind


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _decode(data: bytes) -> str:
    # Checked files always decode; files read without the check (demo data, the CLI) are read
    # as well as they can be rather than refused.
    try:
        return decode_text(data)
    except ValidationFailed:
        return data.decode("cp932", errors="replace")


def blocks_from_markdown(text: str, title: str = "") -> list[Block]:
    """Blocks split at Markdown headings and blank lines; the heading path is kept per block."""
    path: list[tuple[int, str]] = []
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        body = "\n".join(paragraph).strip()
        if body:
            # The document's own title is not repeated in every heading path.
            parts = [h for level, h in path if not (level == 1 and h == title)]
            blocks.append(Block(" > ".join(parts), body))
        paragraph.clear()

    for line in text.splitlines():
        heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if heading:
            flush()
            level = len(heading.group(1))
            path[:] = [(lvl, h) for lvl, h in path if lvl < level]
            path.append((level, heading.group(2).strip()))
        elif not line.strip():
            flush()
        else:
            paragraph.append(line.rstrip())
    flush()
    return blocks


class _HTMLBlocks(HTMLParser):
    HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
    BREAKS = {"p", "div", "li", "tr", "br", "section", "article", "table", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current = ""
        self.skip = 0
        self.heading_level = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self.HEADINGS:
            self._flush()
            self.heading_level = self.HEADINGS[tag]
        elif tag in self.BREAKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self.HEADINGS:
            text = self.current.strip()
            if text:
                self.lines.append("")
                self.lines.append("#" * self.heading_level + " " + text)
                self.lines.append("")
            self.current = ""
            self.heading_level = 0
        elif tag in self.BREAKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current += data

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", self.current).strip()
        if text and not self.heading_level:
            self.lines.append(text)
            self.lines.append("")
            self.current = ""
        elif not self.heading_level:
            self.current = ""


def html_to_markdown(html: str) -> str:
    parser = _HTMLBlocks()
    parser.feed(html)
    parser.close()
    parser._flush()
    return "\n".join(parser.lines)


def pdf_to_markdown(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        text = (page.extract_text() or "").strip()
        if text:
            parts.append(f"## p.{number}\n\n{text}\n")
    return "\n".join(parts)


def docx_to_markdown(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = re.match(r"Heading (\d)", style) or re.match(r"見出し (\d)", style)
        if style == "Title":
            lines.extend([f"# {text}", ""])
        elif level:
            lines.extend(["#" * (int(level.group(1)) + 1) + " " + text, ""])
        else:
            lines.extend([text, ""])
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
        lines.append("")
    return "\n".join(lines)


def file_to_markdown(kind: str, data: bytes) -> str:
    """The file's text as Markdown-like text with headings, for chunking and display."""
    if kind == "pdf":
        return pdf_to_markdown(data)
    if kind == "docx":
        return docx_to_markdown(data)
    if kind == "html":
        return html_to_markdown(_decode(data))
    return _decode(data)


def chunk_blocks(blocks: list[Block], max_chars: int = CHUNK_CHARS) -> list[Chunk]:
    """Consecutive paragraphs under the same heading join until about `max_chars` characters."""
    chunks: list[Chunk] = []
    for block in blocks:
        pieces = _split_paragraph(block.text, max_chars)
        for piece in pieces:
            last = chunks[-1] if chunks else None
            if (
                last is not None
                and last.heading == block.heading
                and len(last.text) + len(piece) + 1 <= max_chars
            ):
                last.text = f"{last.text}\n{piece}"
            else:
                chunks.append(Chunk(block.heading, piece))
    return chunks


def _split_paragraph(text: str, max_chars: int) -> list[str]:
    if len(text) <= max_chars:
        return [text]
    pieces: list[str] = []
    current = ""
    for sentence in re.split(r"(?<=[。！？\n])", text):
        if len(current) + len(sentence) > max_chars and current:
            pieces.append(current.strip())
            current = ""
        while len(sentence) > max_chars:
            pieces.append(sentence[:max_chars])
            sentence = sentence[max_chars:]
        current += sentence
    if current.strip():
        pieces.append(current.strip())
    return pieces
