"""Decoding photo after photo leaves no freed decode buffers resident (heap_tuning)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("decode_stepper.py")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; glibc's heap")
def test_stepping_through_1080p_photos_grows_the_app_by_the_cached_frames_only(tmp_path):
    # a process of its own: the heap setting is process-wide, and pytest's heap is not the app's
    out = subprocess.run([sys.executable, str(CHILD), str(tmp_path)], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    grown, cached = (float(v) for v in out.stdout.split())
    assert cached > 25  # four 1080p frames of ~8 MiB: the cache did hold what it should
    # without it glibc kept 34-46 MiB of freed decode buffers beyond them (66-78 against 31.6)
    assert grown <= cached + 10, f"grew {grown} MiB while the cache holds {cached} MiB"
