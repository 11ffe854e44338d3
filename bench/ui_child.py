"""Runs in its own process for bench_ui: cold start, or memory with a batch open.

    python -m bench.ui_child cold DATA_DIR T0            no login: the batch opened directly
    python -m bench.ui_child login DATA_DIR T0 [SERVER]  as a person does it: the login page
                                                         (offline against a dead server, else
                                                         online), then "Start labelling"
    python -m bench.ui_child rss DATA_DIR                prints the RSS in MiB with the batch open

``T0`` is the parent's ``time.time()`` just before it started this process. The cold modes
print one line when the batch's image is painted:
``usable MS login MS open MS peak MIB`` — the milliseconds the person waited for the app
(T0 to the batch's image painted, less the TYPING_S they spent typing their name and
password on the login page), the login's share (button click to the home page), the open's
share (button click to the image painted), and the process's peak RSS so far (VmHWM:
argon2's 64 MiB included).
"""

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# an office PC installs the app without the test extras, whose statsmodels brings pandas;
# sqlite-utils imports pandas whenever it is there (~0.4 s and ~50 MiB): not on that PC
sys.modules["pandas"] = None

DEAD_SERVER = "http://127.0.0.1:9"  # nothing listens on the discard port: login falls back to offline at once
# a person's name and password take seconds to type; the app loads its HTTP stack meanwhile
# (MainWindow), so the pause is left out of the wait, not the work done in it
TYPING_S = 1.0


def status_mib(field: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def rss_mib() -> float:
    return status_mib("VmRSS")


def wait_until(app, condition, timeout_s: float = 30.0) -> None:
    """Run the event loop until ``condition()``; sleeps between polls so the login's worker
    thread (argon2) is not starved of the GIL by the poll itself."""
    deadline = time.perf_counter() + timeout_s
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.001)


def main(mode: str, data_dir: str, t0: float | None = None, server: str | None = None) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from aidou_desktop.app import create_application, create_main_window, tune_process

    from bench.account import PASSWORD, USER  # not bench.fixtures: it imports OpenCV

    tune_process()  # as aidou_desktop.app.main does
    app = create_application("zh_CN")
    window = create_main_window(data_dir, (server or DEAD_SERVER) if mode == "login" else None)
    window.resize(1366, 768)
    window.show()
    login_ms = 0.0
    if mode == "login":
        page = window.login_page
        page.server_edit.setText(server or DEAD_SERVER)
        page.username_edit.setText(USER.username)
        page.password_edit.setText(PASSWORD)
        app.processEvents()  # the login page on screen
        typed = time.perf_counter() + TYPING_S
        wait_until(app, lambda: time.perf_counter() >= typed)
        t_login = time.perf_counter()
        QTest.mouseClick(page.login_button, Qt.MouseButton.LeftButton)
        wait_until(app, lambda: window.pages.currentWidget() is window.home_page)
        login_ms = (time.perf_counter() - t_login) * 1000
        t_open = time.perf_counter()
        QTest.mouseClick(window.home_page.annotate_button, Qt.MouseButton.LeftButton)
        if window.pages.currentWidget() is not window.annotate_page:
            raise RuntimeError("Start labelling did not open the batch: " + window.home_page.message_label.text())
    else:
        t_open = time.perf_counter()
        window.open_batch(1)
    window.annotate_page.canvas.viewport().repaint()  # synchronous paint of the first image
    app.processEvents()
    open_ms = (time.perf_counter() - t_open) * 1000
    if mode in ("cold", "login"):
        usable_ms = (time.time() - t0) * 1000 - (TYPING_S * 1000 if mode == "login" else 0) if t0 else float("nan")
        print(f"usable {usable_ms:.1f} login {login_ms:.1f} open {open_ms:.1f} peak {status_mib('VmHWM'):.1f}",
              flush=True)  # fmt: skip
    else:
        for _ in range(20):
            window.annotate_page.next_item()
            app.processEvents()
        print(f"rss {rss_mib():.1f}", flush=True)
    window.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], args[1], float(args[2]) if len(args) > 2 else None, args[3] if len(args) > 3 else None)
