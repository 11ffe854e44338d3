"""Receipt-like photos with Chinese text, drawn here: the demo's transcription order and the
OCR tests and benchmark use them (ADR 0004: demo images are made, never downloaded).

It lives with the server's demo (beside ``demo_images``) because the server may not import
the desktop (tests/test_layers.py); ``aidou_desktop.ocr.demo_receipts`` re-exports it.

Text is drawn with Pillow (``cv2.putText`` has no CJK glyphs) in a CJK font found on the
machine; OpenCV then makes it look photographed: paper grain, a tilt and a little
perspective, on a table, slightly blurred and noisy.
"""

from __future__ import annotations

import os
import random
import sys
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_ENV = "AIDOU_CJK_FONT"  # a .ttf / .ttc / .otf with Chinese glyphs, to use before any other
# first found wins; a .ttc holds several faces, the Simplified Chinese one is picked
FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch, Fedora
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msyh.ttc",  # Microsoft YaHei
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
]
TAB = "\t"  # in a line: the text after it is right-aligned (an item's price)

SHOPS = ["华联超市", "好又多便利店", "老王面馆", "鲜果坊水果店", "幸福里小卖部", "川味小厨", "惠民药房", "新华书店"]
GOODS = [
    ("矿泉水", 2.00), ("可口可乐", 3.50), ("方便面", 4.50), ("牛奶", 6.80), ("面包", 5.50),
    ("鸡蛋", 12.00), ("苹果", 8.60), ("香蕉", 5.20), ("大米", 39.90), ("酱油", 9.90),
    ("牛肉面", 18.00), ("炒饭", 15.00), ("饺子", 22.00), ("口罩", 9.90), ("笔记本", 6.00),
    ("洗衣粉", 16.50), ("纸巾", 11.80), ("绿茶", 4.00), ("薯片", 7.50), ("酸奶", 5.80),
]  # fmt: skip


class NoCjkFont(RuntimeError):
    """No font with Chinese glyphs on this machine."""


def receipt_lines(seed: int) -> list[str]:
    """A receipt's text: shop, items with prices (after a TAB), total, date and phone."""
    rng = random.Random(seed)
    goods = rng.sample(GOODS, rng.randint(4, 7))
    lines = [rng.choice(SHOPS), f"单号 {rng.randint(10000000, 99999999)}"]
    total = 0.0
    for name, price in goods:
        count = rng.randint(1, 3)
        total += price * count
        lines.append(f"{name} x{count}{TAB}{price * count:.2f}")
    lines.append(f"合计{TAB}{total:.2f}")
    lines.append(f"日期 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}")
    lines.append(f"电话 0{rng.randint(10, 999)}-{rng.randint(2000000, 89999999)}")
    lines.append("谢谢惠顾 欢迎再次光临")
    return lines


def plain_text(lines: list[str]) -> str:
    """What a person reads off the receipt drawn from ``lines``: one line each, a space for the TAB."""
    return "\n".join(line.replace(TAB, " ") for line in lines)


def draw_receipt(lines: list[str], seed: int, size: tuple[int, int] = (810, 1080)) -> np.ndarray:
    """A photo (``size`` = width × height, BGR uint8) of a paper receipt with ``lines`` on it:
    the first line large and centred, a TAB right-aligns what follows it."""
    rng = np.random.default_rng(seed)
    width, height = size
    paper = _paper_with_text(lines, rng, height)
    photo = _photograph(paper, rng, width, height)
    return photo


def _paper_with_text(lines: list[str], rng: np.random.Generator, photo_height: int) -> np.ndarray:
    font_px = max(16, round(photo_height / 34))
    line_px = round(font_px * 1.75)
    margin = font_px * 2
    paper_w = font_px * 17
    paper_h = margin * 2 + line_px * (len(lines) + 2)
    ink = int(rng.integers(20, 60))
    image = Image.new("L", (paper_w, paper_h), 255)
    draw = ImageDraw.Draw(image)
    body, title = _font(font_px), _font(round(font_px * 1.4))
    y = margin
    for index, line in enumerate(lines):
        if index == 0:  # the shop's name
            w = draw.textlength(line, font=title)
            draw.text(((paper_w - w) / 2, y), line, font=title, fill=ink)
            y += line_px
            draw.line([(margin, y + line_px * 0.6), (paper_w - margin, y + line_px * 0.6)], fill=ink + 60, width=2)
            y += line_px
            continue
        left, _, right = line.partition(TAB)
        draw.text((margin, y), left, font=body, fill=ink)
        if right:
            draw.text((paper_w - margin - draw.textlength(right, font=body), y), right, font=body, fill=ink)
        y += line_px
    grey = np.asarray(image, dtype=np.float32)
    # thermal paper: faintly uneven, grainy, a little yellow
    blotches = cv2.GaussianBlur(rng.normal(0, 1, grey.shape).astype(np.float32), (0, 0), paper_w / 12)
    grey = grey * (0.93 + 0.05 * blotches / (np.abs(blotches).max() + 1e-6)) + rng.normal(0, 3, grey.shape)
    tint = np.array([0.93, 0.98, 1.0], dtype=np.float32)  # B, G, R
    return np.clip(grey[..., None] * tint, 0, 255).astype(np.uint8)


def _photograph(paper: np.ndarray, rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """The paper on a table: scaled to fill most of the frame, tilted, a little perspective."""
    ph, pw = paper.shape[:2]
    scale = min(0.9 * height / ph, 0.85 * width / pw)
    w, h = pw * scale, ph * scale
    cx, cy = width / 2 + rng.uniform(-0.03, 0.03) * width, height / 2 + rng.uniform(-0.02, 0.02) * height
    angle = np.deg2rad(rng.uniform(-3, 3))
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    target = corners @ rotation.T + [cx, cy] + rng.uniform(-0.015, 0.015, (4, 2)) * [w, h]
    source = np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    matrix = cv2.getPerspectiveTransform(source, target.astype(np.float32))
    table_colour = rng.integers(60, 150, 3)
    table = np.empty((height, width, 3), np.float32)
    table[:] = table_colour
    table += cv2.GaussianBlur(rng.normal(0, 12, (height, width, 1)).astype(np.float32), (0, 0), 3)[..., None]
    warped = cv2.warpPerspective(paper, matrix, (width, height), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((ph, pw), 255, np.uint8), matrix, (width, height))[..., None] / 255.0
    photo = table * (1 - mask) + warped * mask
    # light from one side, a soft lens, sensor noise
    ramp = np.linspace(rng.uniform(0.85, 1.0), rng.uniform(0.95, 1.05), width, dtype=np.float32)
    photo *= ramp[None, :, None]
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.6, 1.0))
    photo += rng.normal(0, 4, photo.shape)
    return np.clip(photo, 0, 255).astype(np.uint8)


def cjk_font_path() -> Path:
    """The font to draw Chinese with; ``NoCjkFont`` with what to install when there is none."""
    wanted = os.environ.get(FONT_ENV)
    for candidate in ([wanted] if wanted else []) + FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    hint = {
        "linux": "install fonts-noto-cjk (apt-get install fonts-noto-cjk)",
        "win32": "Windows ships Microsoft YaHei (msyh.ttc); is C:/Windows/Fonts readable?",
    }.get(sys.platform, "install a CJK font such as Noto Sans CJK")
    raise NoCjkFont(f"no font with Chinese characters found: {hint}, or set {FONT_ENV} to a font file")


@lru_cache(maxsize=8)
def _font(px: int) -> ImageFont.FreeTypeFont:
    path = cjk_font_path()
    # in a collection, the Simplified Chinese face: the Japanese one draws some hanzi differently
    for index in range(16 if path.suffix.lower() == ".ttc" else 1):
        try:
            font = ImageFont.truetype(str(path), px, index=index)
        except OSError:
            break
        if any(mark in " ".join(font.getname()) for mark in ("SC", "YaHei", "SimSun", "SimHei", "PingFang SC")):
            return font
    return ImageFont.truetype(str(path), px)
