"""Receipt image clean-up before Tesseract: decode, scale, even out light, denoise, deskew, threshold."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image, ImageOps

MAX_SIDE = 2200  # a phone photo (4000 px) is scaled down: Tesseract's time grows with the pixels
MIN_WIDTH = 560  # a small scan is scaled up so that characters are tall enough


class ImageUnreadable(ValueError):
    """The bytes are not an image Pillow can open."""


def _heif_support() -> None:
    """Let Pillow open HEIC/HEIF (iPhone photos) when pillow-heif is installed."""
    try:
        import pillow_heif
    except ImportError:  # optional: without it a HEIC upload reads as "not an image"
        return
    pillow_heif.register_heif_opener()


def decode(data: bytes) -> np.ndarray:
    """Grey-scale pixels of a JPEG/PNG/HEIC (when pillow-heif is installed) upright by EXIF."""
    _heif_support()
    try:
        with Image.open(io.BytesIO(data)) as opened:
            upright = ImageOps.exif_transpose(opened) or opened
            grey = upright.convert("L")
    except Exception as exc:  # Pillow raises several types for broken or foreign bytes
        raise ImageUnreadable(str(exc)) from exc
    return np.asarray(grey, dtype=np.uint8)


def _rescale(grey: np.ndarray) -> np.ndarray:
    height, width = grey.shape
    longest = max(height, width)
    if longest > MAX_SIDE:
        factor = MAX_SIDE / longest
        return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    if width < MIN_WIDTH:
        factor = MIN_WIDTH / width
        return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    return grey


def _even_light(grey: np.ndarray) -> np.ndarray:
    """Divide by the blurred background so shade and low contrast become white paper, dark ink."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (31, 31))
    background = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, kernel)
    background = cv2.GaussianBlur(background, (0, 0), 8)
    even = cv2.divide(grey, np.maximum(background, 1), scale=255)
    return cv2.normalize(even, None, 0, 255, cv2.NORM_MINMAX)


def noise_level(grey: np.ndarray) -> float:
    """A robust estimate of pixel noise (median absolute deviation of the Laplacian)."""
    lap = cv2.Laplacian(grey, cv2.CV_32F)
    return float(np.median(np.abs(lap - np.median(lap))))


def _skew_angle(binary_ink: np.ndarray) -> float:
    """The angle (degrees) that makes text rows horizontal: the sharpest row-sum profile wins."""
    small = binary_ink
    if small.shape[1] > 800:
        factor = 800 / small.shape[1]
        small = cv2.resize(small, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centre = (w / 2, h / 2)
    best, best_score = 0.0, -1.0
    for angle in np.arange(-6.0, 6.01, 0.5):
        matrix = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rotated = cv2.warpAffine(small, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = rotated.sum(axis=1, dtype=np.float64)
        score = float(np.var(profile))
        if score > best_score:
            best, best_score = float(angle), score
    # refine around the best coarse angle
    for angle in np.arange(best - 0.4, best + 0.41, 0.1):
        matrix = cv2.getRotationMatrix2D(centre, float(angle), 1.0)
        rotated = cv2.warpAffine(small, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
        score = float(np.var(rotated.sum(axis=1, dtype=np.float64)))
        if score > best_score:
            best, best_score = float(angle), score
    return best


def clean(grey: np.ndarray) -> np.ndarray:
    """Black text on white, upright, ready for Tesseract."""
    return clean_pair(grey)[0]


def enlarged(even: np.ndarray) -> np.ndarray:
    """The even-lit grey image at 1.5×: the second look at fields the first pass missed."""
    return cv2.resize(even, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)


def clean_pair(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(binary, even-lit grey), both upright."""
    grey = _rescale(grey)
    if noise_level(grey) > 6:
        grey = cv2.fastNlMeansDenoising(grey, None, h=25, templateWindowSize=7, searchWindowSize=15)
    even = _even_light(grey)
    _, binary = cv2.threshold(even, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    angle = _skew_angle(255 - binary)
    if abs(angle) >= 0.2:
        h, w = even.shape
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        even = cv2.warpAffine(
            even, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
        )
        _, binary = cv2.threshold(even, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return binary, even
