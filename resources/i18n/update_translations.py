"""Refresh the translation sources from the code and compile them.

    python resources/i18n/update_translations.py

Runs ``pyside6-lupdate`` over the UI code (new strings are added to
``aidou_zh_CN.ts`` as unfinished; translated ones are kept), then
``pyside6-lrelease`` to write ``aidou_zh_CN.qm``, which the app loads.
Translate new strings in the .ts (Qt Linguist, or any editor) and run it again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LANGUAGES = ["zh_CN"]


def sources() -> list[str]:
    files = sorted((ROOT / "aidou_desktop" / "ui").rglob("*.py")) + [ROOT / "aidou_desktop" / "app.py"]
    return [str(f.relative_to(ROOT)) for f in files]


def main() -> int:
    for lang in LANGUAGES:
        ts = HERE / f"aidou_{lang}.ts"
        qm = HERE / f"aidou_{lang}.qm"
        subprocess.run(
            ["pyside6-lupdate", *sources(), "-no-obsolete", "-ts", str(ts.relative_to(ROOT))], cwd=ROOT, check=True
        )
        subprocess.run(["pyside6-lrelease", str(ts), "-qm", str(qm)], check=True)
        unfinished = ts.read_text(encoding="utf-8").count('type="unfinished"')
        if unfinished:
            print(f"{ts.name}: {unfinished} string(s) still need a translation", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
