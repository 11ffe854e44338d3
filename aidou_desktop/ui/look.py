"""Fonts and the style sheet: readable Chinese on a 1366×768 office screen."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

# Windows offices have YaHei; Linux builds ship Noto Sans CJK. Latin-first
# families would render Chinese with a fallback that lacks proper weights.
FONT_FAMILIES = [
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "WenQuanYi Micro Hei",
    "sans-serif",
]

ACCENT = "#1a66d2"
ACCENT_DARK = "#124ea3"
TEXT = "#1f2328"
MUTED = "#57606a"
ONLINE = "#1a7f37"
OFFLINE = "#bc4c00"

STYLE_SHEET = f"""
QWidget {{ color: {TEXT}; }}
QMainWindow, QStackedWidget > QWidget {{ background: #f5f7fa; }}
QLabel#pageTitle {{ font-size: 20pt; font-weight: bold; }}
QLabel#muted, QLabel#statusLine {{ color: {MUTED}; }}
QLabel#errorText {{ color: #b42318; font-weight: bold; }}
QLabel#offlineNote {{ color: {OFFLINE}; }}
QFrame#card {{ background: white; border: 1px solid #d0d7de; border-radius: 8px; }}
QLineEdit {{ padding: 6px 8px; border: 1px solid #afb8c1; border-radius: 4px; background: white; }}
QLineEdit:focus {{ border: 2px solid {ACCENT}; }}
QPushButton {{ padding: 6px 14px; border: 1px solid #afb8c1; border-radius: 4px; background: white; }}
QPushButton:hover {{ background: #eef3fb; }}
QPushButton:disabled {{ color: #8c959f; background: #f0f2f4; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT_DARK}; font-weight: bold; }}
QPushButton#primary:hover {{ background: {ACCENT_DARK}; }}
QPushButton#primary:disabled {{ background: #8fb1e3; }}
QTableView {{ outline: 0; background: white; gridline-color: #e1e4e8; selection-background-color: #cfe0fa; selection-color: {TEXT}; }}
QHeaderView::section {{ background: #eaeef2; padding: 6px; border: none; border-right: 1px solid #d0d7de; font-weight: bold; }}
QListWidget {{ background: white; border: 1px solid #d0d7de; }}
QListWidget::item {{ padding: 4px; }}
QListWidget::item:selected {{ background: #cfe0fa; color: {TEXT}; }}
QTextBrowser {{ background: white; border: 1px solid #d0d7de; }}
QProgressBar {{ border: 1px solid #afb8c1; border-radius: 4px; background: white; text-align: center; max-height: 16px; }}
QProgressBar::chunk {{ background: {ACCENT}; }}
QFrame#syncBar {{ background: white; border: 1px solid #d0d7de; border-radius: 6px; }}
"""


def apply_look(app: QApplication) -> None:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(11)
    app.setFont(font)
    app.setStyle("Fusion")  # the same look on every Windows version
    app.setStyleSheet(STYLE_SHEET)
