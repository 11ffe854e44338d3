"""Build the desktop app and ``aidou-sync`` as a self-contained folder (and zip) for office PCs.

    python -m pip install pyinstaller
    python build_installer.py            # dist/aidou-desktop/ and dist/aidou-desktop-<version>-<platform>.zip

Everything the app needs ships inside (Qt, OpenCV, translations): the app
never downloads anything at run time. Qt modules we do not use are left out,
which keeps the folder small on PCs that pay for every megabyte.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
NAME = "aidou-desktop"
# Qt parts the app never imports; PyInstaller would otherwise pull some of them in.
UNUSED_QT = [
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtPdf", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtMultimedia",
    "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.Qt3DCore", "PySide6.QtCharts", "PySide6.QtSql",
    "sync_server.api", "sync_server.db", "fastapi", "uvicorn", "sqlalchemy",
]


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from aidou_desktop import __version__

    return __version__


def _pyinstaller(script: Path, name: str, onefile: bool, windowed: bool) -> Path:
    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        sys.exit("PyInstaller is not installed: python -m pip install pyinstaller")
    sep = ";" if sys.platform == "win32" else ":"
    args = [
        str(script),
        "--name", name,
        "--noconfirm",
        "--windowed" if windowed else "--console",
        "--distpath", str(ROOT / "dist"),
        "--workpath", str(ROOT / "build"),
        "--add-data", f"{ROOT / 'resources' / 'i18n'}{sep}resources/i18n",
        # the OCR's models (.onnx) and its config.yaml are package data PyInstaller does not see
        "--collect-data", "rapidocr_onnxruntime",
        "--onefile" if onefile else "--onedir",
    ]  # fmt: skip
    for module in UNUSED_QT:
        args += ["--exclude-module", module]
    pyinstaller.run(args)
    return ROOT / "dist" / name


def build(onefile: bool) -> Path:
    """The app, with ``aidou-sync`` (a console program, for Task Scheduler) beside it."""
    app = _pyinstaller(ROOT / "aidou_desktop" / "__main__.py", NAME, onefile, windowed=True)
    sync = _pyinstaller(ROOT / "aidou_desktop" / "sync" / "cli.py", "aidou-sync", onefile, windowed=False)
    if app.is_dir():
        # one folder: the sync program shares the app's libraries; copy only what it adds
        for path in sync.rglob("*"):
            target = app / path.relative_to(sync)
            if path.is_file() and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
        shutil.rmtree(sync)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--onefile", action="store_true", help="one executable instead of a folder (slower start)")
    args = parser.parse_args()
    out = build(args.onefile)
    if out.is_dir():
        archive = ROOT / "dist" / f"{NAME}-{version()}-{platform.system().lower()}-{platform.machine().lower()}"
        zip_path = shutil.make_archive(str(archive), "zip", out.parent, out.name)
        print(f"built {out} and {zip_path}")
    else:
        print(f"built {out}")
    if sys.platform == "win32" and shutil.which("iscc"):
        # Inno Setup, when present, wraps the folder as a setup.exe with a Start-menu entry.
        subprocess.run(["iscc", f"/DAppDir={out}", f"/DAppVersion={version()}", str(ROOT / "resources" / "installer.iss")], check=True)


if __name__ == "__main__":
    main()
