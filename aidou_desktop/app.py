"""``aidou-desktop``: start the app.

aidou-desktop [--data-dir DIR] [--server URL] [--lang zh_CN|en]
"""

from __future__ import annotations

import argparse
import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from aidou_desktop.gc_tuning import tune_gc
from aidou_desktop.heap_tuning import return_big_blocks
from aidou_desktop.store import DamagedDatabase, Store, resolve_data_dir
from aidou_desktop.store.paths import private_dir
from aidou_desktop.store.health import DB_FILE, classify_open_error
from aidou_desktop.store.salvage import repair
from aidou_desktop.ui.damaged_db_page import DamagedDatabasePage
from aidou_desktop.ui.look import apply_look
from aidou_desktop.ui.main_window import MainWindow

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
TRANSLATIONS = RESOURCES / "i18n"
LANGUAGES = ("zh_CN", "en")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="aidou-desktop", description="AI豆 Desktop: the annotation app.")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the local database and images live (default: $AIDOU_DATA_DIR, else ~/.aidou)",
    )
    parser.add_argument(
        "--server",
        metavar="URL",
        help="sync server address, e.g. http://192.168.1.10:8000 (default: the last one used)",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default="zh_CN", help="interface language (default: zh_CN)")
    return parser.parse_args(argv)


def install_translator(app: QApplication, lang: str) -> QTranslator | None:
    """Load the Chinese UI texts; English is the source language and needs none."""
    if lang == "en":
        return None
    translator = QTranslator(app)
    if not translator.load(str(TRANSLATIONS / f"aidou_{lang}.qm")):
        logging.getLogger(__name__).warning("no translation for %s in %s", lang, TRANSLATIONS)
        return None
    app.installTranslator(translator)
    QLocale.setDefault(QLocale(lang))
    return translator


def create_application(lang: str = "zh_CN") -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("AI豆")
    app.setOrganizationName("AIDou")
    install_translator(app, lang)
    apply_look(app)
    return app


def create_main_window(data_dir: Path | str, server_url: str | None = None) -> MainWindow:
    """The window over ``data_dir``, not shown and without an event loop (tests, bench).
    ``DamagedDatabase`` when the local database cannot be used (see ``start_window``)."""
    return MainWindow(Store(Path(data_dir)), server_url, owns_store=True)


def start_window(data_dir: Path | str, server_url: str | None = None) -> QWidget:
    """The main window; or, when the local database cannot be used, a page that says so in
    the person's language and offers repair (issue 10): never a traceback, never a silent
    empty database. Not shown."""
    data_dir = Path(data_dir)
    try:
        return create_main_window(data_dir, server_url)
    except DamagedDatabase as exc:
        damage = exc
    except OSError as exc:  # Store turns these into DamagedDatabase; the window's own files may not
        damage = classify_open_error(exc, data_dir / DB_FILE)
        if damage is None:
            raise
    logging.getLogger(__name__).error("cannot open the local database: %s", damage)
    return _damaged_database_page(damage, data_dir, server_url)


def _damaged_database_page(damage: DamagedDatabase, data_dir: Path, server_url: str | None) -> DamagedDatabasePage:
    page = DamagedDatabasePage(damage)

    def repair_and_continue() -> None:
        try:
            store, aside, found = repair(data_dir)
        except Exception as exc:  # noqa: BLE001 — say so in the window, the log gets the trace
            logging.getLogger(__name__).exception("repair failed")
            page.show_error(page.repair_failed_text(exc))
            return
        window = MainWindow(store, server_url, owns_store=True)
        window.login_page.show_error(page.repaired_text(found.revisions, str(aside)))
        page.main_window = window  # the page (held by main()) keeps the window alive
        window.showMaximized()
        page.close()

    page.repair_requested.connect(repair_and_continue)
    page.quit_requested.connect(page.close)
    return page


def setup_logging(data_dir: Path) -> None:
    """A small rotating log in the data dir: on Windows the app has no console to read."""
    private_dir(data_dir)
    handlers: list[logging.Handler] = [
        RotatingFileHandler(data_dir / "desktop.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    ]
    if sys.stderr is not None:  # None under pythonw.exe
        handlers.append(logging.StreamHandler())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", handlers=handlers)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    try:
        setup_logging(data_dir)
    except OSError:  # a read-only data dir or a full disk: the window below says what to do
        logging.basicConfig(level=logging.INFO)
    tune_process()
    app = create_application(args.lang)
    show_window(start_window(data_dir, args.server))
    return app.exec()


def tune_process() -> None:
    """The process-wide settings made before the first window: the cycle collector's and the heap's."""
    tune_gc()
    return_big_blocks()


def show_window(window: QWidget) -> None:
    """The main window maximised: within the screen's available geometry, so a Windows
    taskbar never hides its bottom buttons. The damaged-database page stays small."""
    if isinstance(window, MainWindow):
        window.showMaximized()
    else:
        window.show()


if __name__ == "__main__":
    sys.exit(main())
