"""The aidou-server command line: every command has help; ``python -m`` works."""

import subprocess
import sys

import pytest

from sync_server.cli import build_parser, main


@pytest.mark.parametrize("command", ["serve", "demo", "export", "import-order"])
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "--data-dir" in text and len(text) > 200


def test_serve_defaults():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.demo, args.data_dir) == ("127.0.0.1", 8765, False, None)


def test_data_dir_comes_from_the_environment(monkeypatch, data_dir, tmp_path, capsys):
    monkeypatch.setenv("AIDOU_DATA_DIR", str(data_dir))
    assert main(["export", "测试订单", "--format", "coco", "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "annotations.json").is_file()
    monkeypatch.setenv("AIDOU_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(SystemExit, match="no data dir at .*nowhere"):
        main(["export", "测试订单", "--format", "coco", "--out", str(tmp_path / "out2")])


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "sync_server.cli", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert "import-order" in done.stdout
