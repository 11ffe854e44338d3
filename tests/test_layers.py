"""The layer rules of design.md, checked on the source: a stray import fails CI."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

QT = {"PySide6", "shiboken6"}
SQL = {"sqlite3", "sqlite_utils", "sqlalchemy"}
HTTP = {"requests", "httpx", "urllib3", "fastapi", "starlette", "uvicorn"}

# (files, forbidden top-level modules, forbidden project packages)
RULES = [
    (["sync_server/protocol"], QT | SQL | HTTP | {"cv2", "numpy", "argon2"}, {"aidou_desktop"}),
    # quality measures run on the server and, for training, on the office PCs
    (["sync_server/quality"], QT | SQL | HTTP | {"scipy", "sklearn", "statsmodels", "rapidfuzz"}, {"aidou_desktop"}),
    (["aidou_desktop/model"], QT | SQL | HTTP | {"cv2"}, {"aidou_desktop.store", "aidou_desktop.sync", "aidou_desktop.ui"}),
    # on-PC OCR: plain Python over numpy, OpenCV and ONNX Runtime; the UI and the CLI drive it
    (["aidou_desktop/ocr"], QT | SQL | HTTP, {"aidou_desktop.store", "aidou_desktop.sync", "aidou_desktop.ui"}),
    (["aidou_desktop/store"], QT | HTTP, {"aidou_desktop.sync", "aidou_desktop.ui", "sync_server.api", "sync_server.db"}),
    (["aidou_desktop/sync"], QT | SQL, {"aidou_desktop.ui", "sync_server.api", "sync_server.db"}),
    (["aidou_desktop/ui"], SQL | HTTP, {"sync_server.api", "sync_server.db"}),
    (["sync_server"], QT, {"aidou_desktop"}),
    # the bundle format ships to the PCs: standard library and the protocol only
    (
        ["sync_server/bundles/__init__.py", "sync_server/bundles/container.py", "sync_server/bundles/pages.py"],
        QT | SQL | HTTP | {"cv2", "numpy", "argon2"},
        {"aidou_desktop", "sync_server.api", "sync_server.db", "sync_server.bundles.office", "sync_server.bundles.commands"},
    ),
    # commands dispatch to the sync modules, never the other way round (no import circle)
    (["aidou_desktop/sync/bundle.py", "aidou_desktop/sync/engine.py"], set(), {"aidou_desktop.sync.cli"}),
]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _files(spec: str) -> list[Path]:
    target = ROOT / spec
    return [target] if target.is_file() else sorted(target.rglob("*.py"))


@pytest.mark.parametrize("specs,forbidden,forbidden_pkgs", RULES, ids=[r[0][0] for r in RULES])
def test_layer_imports(specs, forbidden, forbidden_pkgs):
    files = [f for spec in specs for f in _files(spec)]
    assert files, f"no source found for {specs}"
    bad = []
    for f in files:
        for name in _imports(f):
            top = name.split(".")[0]
            if top in forbidden or any(name == p or name.startswith(p + ".") for p in forbidden_pkgs):
                bad.append(f"{f.relative_to(ROOT)} imports {name}")
    assert not bad, "layer rule broken:\n" + "\n".join(bad)


def test_server_package_init_is_empty():
    # the desktop imports sync_server.protocol; an __init__ with imports would drag the server in
    assert (ROOT / "sync_server/__init__.py").read_text().strip() == ""
