"""The real window on a real X server (Xvfb), as the README's Run command opens it.

The other GUI tests use Qt's offscreen platform, which needs none of the xcb libraries
a Linux desktop must have: a first run on a stock desktop once died on a missing
libxcb-icccm4 while every test passed, and ``serve --desktop`` still exited 0. README
lists the packages and ``.ci/run`` installs them with Xvfb, so this runs in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.desktop.server_process import free_port

ROOT = Path(__file__).resolve().parents[2]


def _free_display() -> int:
    for number in range(90, 190):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb():
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is missing: install the packages README.md lists for Linux (apt-get install xvfb …)")
    number = _free_display()
    proc = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("Xvfb did not start")
        time.sleep(0.05)
    yield f":{number}"
    proc.terminate()
    proc.wait(timeout=10)


def _env(tmp_path: Path, display: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=display, AIDOU_DATA_DIR=str(tmp_path / "pc"))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_the_app_window_opens_on_xcb(tmp_path, xvfb):
    app = subprocess.Popen([sys.executable, "-m", "aidou_desktop.app"], cwd=ROOT, env=_env(tmp_path, xvfb),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        time.sleep(6)  # a missing xcb library aborts within a second or two
        assert app.poll() is None, app.stdout.read().decode(errors="replace")[-3000:]
    finally:
        app.terminate()
        app.wait(timeout=20)


def test_serve_desktop_exits_non_zero_when_the_app_cannot_start(tmp_path):
    # no X server at this display: Qt's xcb platform cannot start, as on a PC missing its libraries
    env = _env(tmp_path, ":4242")
    port = free_port()
    serve = subprocess.run(
        [sys.executable, "-m", "sync_server.cli", "serve", "--data-dir", str(tmp_path / "server"), "--port", str(port),
         "--desktop"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert serve.returncode == 1, serve.stdout + serve.stderr
    assert "the desktop app failed to start" in serve.stderr


def test_panning_and_editing_a_crowded_image_leave_no_stale_pixels_on_screen(tmp_path, xvfb):
    """The canvas repaints only what changed (a pan scrolls what is on screen): compared
    with a fresh render of the same view, what the X server shows differs in under 0.1%
    of the pixels (a box whose bounds leave out its outline or handles leaves 0.2–0.6%)."""
    child = subprocess.run([sys.executable, str(ROOT / "tests" / "gui" / "stale_pixels_child.py")], cwd=ROOT,
                           env=_env(tmp_path, xvfb), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert child.returncode == 0, child.stdout + child.stderr
    line = next(line for line in child.stdout.splitlines() if line.startswith("stale "))
    after_pan, after_edit = (float(value) for value in line.split()[1:])
    assert after_pan < 0.001 and after_edit < 0.001, line
