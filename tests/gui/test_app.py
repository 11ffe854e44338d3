"""The entry point, the translation file, and the image cache."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from aidou_desktop.app import TRANSLATIONS, parse_args
from aidou_desktop.imaging import DecodeError
from aidou_desktop.ui.image_cache import ImageCache, load_qimage


def test_arguments():
    args = parse_args(["--data-dir", "/tmp/x", "--server", "http://s:1", "--lang", "en"])
    assert (args.data_dir, args.server, args.lang) == ("/tmp/x", "http://s:1", "en")
    assert parse_args([]).lang == "zh_CN"


def test_chinese_translation_is_complete_and_loads(qapp):
    ts = (TRANSLATIONS / "aidou_zh_CN.ts").read_text(encoding="utf-8")
    assert 'type="unfinished"' not in ts, "every UI string needs its Chinese translation"
    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS / "aidou_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        assert QCoreApplication.translate("LoginPage", "Log in") == "登录"
        assert (
            QCoreApplication.translate("HomePage", "Offline login (using the account cached on this PC)")
            == "离线登录（使用本机缓存的账号）"
        )
    finally:
        QCoreApplication.removeTranslator(translator)


def test_image_cache_decodes_ahead(tmp_path, qapp):
    paths = []
    for n in range(4):
        image = np.full((120, 200, 3), (n * 40, 80, 160), np.uint8)  # B, G, R
        path = tmp_path / f"{n}.jpg"
        path.write_bytes(cv2.imencode(".jpg", image)[1].tobytes())
        paths.append(path)
    cache = ImageCache(capacity=3)
    cache.prefetch(paths[1:])
    image = cache.get(paths[1])
    assert (image.width(), image.height()) == (200, 120)
    pixel = image.pixelColor(10, 10)
    assert abs(pixel.red() - 160) < 6 and abs(pixel.blue() - 40) < 6  # OpenCV's BGR arrives as the right colour
    assert load_qimage(paths[0]).width() == 200
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    with pytest.raises(DecodeError):
        cache.get(broken)
    cache.shutdown()


def test_error_texts_tell_people_what_to_do(qapp):
    from aidou_desktop.sync import AuthError, Offline, ServerError, UpdateRequired
    from aidou_desktop.ui.messages import error_text, login_error_text, sync_state_text

    assert "Wrong username or password" in login_error_text(AuthError("401"))
    assert "too old" in login_error_text(UpdateRequired("426"))
    assert "kept on this PC" in error_text(Offline("down"))
    refused = error_text(ServerError("batch 3 is leased to another annotator", 422, "rejected"))
    assert "kept on this PC" in refused and "leased" not in refused  # the server's English stays in the log
    # a refusal is worded from its code; one without (an older server) never shows the server's English
    assert sync_state_text("rejected", "box_outside", {"width": 120, "height": 80, "shape": 1}) == (
        "Sent back: A box is not valid: it has no size or lies outside the image."
    )
    assert "outside the 120" not in sync_state_text("rejected") and sync_state_text("rejected").startswith("Sent back: ")


def test_the_main_window_opens_maximised(qtbot, tmp_path):
    from aidou_desktop.app import show_window, start_window

    window = start_window(tmp_path)
    qtbot.addWidget(window)
    show_window(window)
    qtbot.waitUntil(window.isVisible)
    # maximised, the window system fits it to the available geometry (the offscreen
    # platform only records the state); a plain show() opened it at 1366×768 whatever the screen
    assert window.isMaximized()
    window.close()
