"""Server refusals reach people as Chinese chosen by code, never as the server's English."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from aidou_desktop.app import TRANSLATIONS
from aidou_desktop.sync import ServerError
from aidou_desktop.ui.messages import error_text

CODES = ["not_found", "method_not_allowed", "bad_json", "bad_request", "invalid_request", "too_large",
         "too_many_records", "rejected", "forbidden", "unknown_blob", "account_disabled", "bad_credentials",
         "bad_token", "please_update", "server_too_old", "some_future_code"]  # fmt: skip


@pytest.fixture
def chinese(qapp):
    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS / "aidou_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


@pytest.mark.parametrize("code", CODES)
def test_a_refusal_is_told_in_chinese_without_the_servers_words(chinese, code):
    text = error_text(ServerError("Not Found: the thing was refused", 404, code))
    assert "Not Found" not in text and "refused" not in text
    assert re.search(r"[\u4e00-\u9fff]", text), text
    # what is left in Latin letters is at most the code itself (an unknown one is named for the admin)
    assert set(re.findall(r"[A-Za-z_]+", text)) <= {code, "desktop", "log"}, text


def test_an_unexpected_error_is_not_shown_raw(chinese):
    text = error_text(KeyError("items.head_annotation_id"))
    assert "head_annotation_id" not in text and re.search(r"[\u4e00-\u9fff]", text)
