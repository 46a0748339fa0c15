"""A Japanese received invoice (請求書) rendered with Pillow and Noto CJK, with its true fields."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
TRUTH = {
    "issuer_name": "株式会社ミドリ商店",
    "registration_number": "T9234567890123",
    "issue_date": "2026-05-15",
    "taxable_10": "12000",
    "tax_10": "1200",
    "taxable_8": "5000",
    "tax_8": "400",
    "total": 18600,
}
LINES = [
    ("請求書", 44),
    ("株式会社ヤマダ商事 御中", 30),
    ("株式会社ミドリ商店", 32),
    ("登録番号 T9234567890123", 30),
    ("発行日 2026年5月15日", 30),
    ("事務用品一式 12,000円", 30),
    ("飲料(軽減税率) 5,000円", 30),
    ("10%対象 13,200円 内消費税 1,200円", 30),
    ("8%対象 5,400円 内消費税 400円", 30),
    ("合計 ¥18,600", 36),
]


def invoice_png() -> bytes:
    """The invoice as a clean PNG (a scan at about 200 dpi)."""
    image = Image.new("L", (900, 80 + 62 * len(LINES)), 255)
    draw = ImageDraw.Draw(image)
    y = 40
    for text, size in LINES:
        draw.text((50, y), text, font=ImageFont.truetype(FONT, size), fill=0)
        y += 62
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
