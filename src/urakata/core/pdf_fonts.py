"""The Japanese font for generated PDFs, registered once per process.

IPAex Gothic (fonts-ipaexfont-gothic, scripts/system-deps.sh) is embedded when installed, so any
reader shows it; reportlab cannot embed the CFF outlines of fonts-noto-cjk. Without the file the
PDF falls back to the CID font HeiseiKakuGo-W5 that PDF readers provide (nothing embedded).
"""

from __future__ import annotations

from pathlib import Path

PDF_FONT_FILES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)
EMBEDDED_FONT = "IPAexGothic"
PDF_FONT = "HeiseiKakuGo-W5"


def pdf_font() -> str:
    """Register and name the PDF font: the embedded TrueType font when installed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    registered = pdfmetrics.getRegisteredFontNames()
    if EMBEDDED_FONT in registered:
        return EMBEDDED_FONT
    for candidate in PDF_FONT_FILES:
        if Path(candidate).is_file():
            pdfmetrics.registerFont(TTFont(EMBEDDED_FONT, candidate))
            return EMBEDDED_FONT
    if PDF_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    return PDF_FONT
