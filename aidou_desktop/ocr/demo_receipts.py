"""Receipt-like photos with Chinese text for the OCR tests and benchmark: the server's demo
draws its transcription order with the same code, which lives in ``sync_server.orders``
(the server may not import the desktop; tests/test_layers.py)."""

from sync_server.orders.demo_receipts import (  # noqa: F401 — re-exported
    FONT_CANDIDATES,
    FONT_ENV,
    GOODS,
    SHOPS,
    TAB,
    NoCjkFont,
    cjk_font_path,
    draw_receipt,
    plain_text,
    receipt_lines,
)
