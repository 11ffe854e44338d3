"""Issue 3, scheduled job: exit codes, --quiet, a rotating log, and each run's outcome kept for the app."""

from __future__ import annotations

import re

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.sync import cli as sync_cli
from tests.robustness.helpers import ROOT, cli, first_batch_items


def test_runs_record_their_outcome_for_the_app(live, tmp_path):
    data = tmp_path / "desk"
    assert cli(data, "login", "--server", live.url, "--user", "anno2").returncode == 0
    with Store(data) as store:
        assert store.last_sync_run() is None

    ok = cli(data, "run", "--quiet")
    assert ok.returncode == 0 and ok.stdout == "" and ok.stderr == ""
    with Store(data) as store:
        run = store.last_sync_run("cli")
        assert (run.outcome, run.exit_code, run.source) == ("ok", 0, "cli")
        assert run.pulled > 0 and run.waiting == 0 and run.finished_at >= run.started_at
        assert store.last_sync_run("app") is None
        item = first_batch_items(store)[0]
        store.save_shapes(item, [box_shape("dragon", 1, 1, 5, 5)])

    attention = cli(data, "run", "--quiet", "--no-blobs")
    assert attention.returncode == 4
    with Store(data) as store:
        run = store.last_sync_run()
        assert (run.outcome, run.exit_code, run.pushed) == ("attention", 4, 1)
        assert "need attention" in run.message

    live.stop()
    try:
        offline = cli(data, "run", "--quiet", "--retries", "1")
    finally:
        live.start()
    assert offline.returncode == 2
    with Store(data) as store:
        run = store.last_sync_run()
        assert (run.outcome, run.exit_code) == ("offline", 2) and "offline" in run.message

    status = cli(data, "status")
    assert status.returncode == 0
    assert re.search(r"last run:\s+offline \(exit 2\)", status.stdout), status.stdout
    assert "quarantine: 0" in status.stdout


def test_the_log_file_rotates(live, tmp_path):
    data = tmp_path / "desk"
    logs = data / "logs"
    logs.mkdir(parents=True)
    (logs / "sync.log").write_text("x" * 1_000_100)  # a full log from weeks of runs
    assert cli(data, "run").returncode == 3  # never logged in: that is logged, and the log rotates
    assert (logs / "sync.log.1").stat().st_size >= 1_000_000
    assert (logs / "sync.log").stat().st_size < 10_000


def test_exit_codes_and_schedules_are_documented():
    text = " ".join(sync_cli.build_parser().format_help().split())
    for code, words in [(0, "in sync"), (2, "offline"), (3, "auth"), (4, "conflicts"), (5, "local error"),
                        (6, "another sync"), (7, "please update")]:  # fmt: skip
        assert f"{code} {words}" in text
    assert {sync_cli.EXIT_OK, sync_cli.EXIT_OFFLINE, sync_cli.EXIT_AUTH, sync_cli.EXIT_ATTENTION,
            sync_cli.EXIT_ERROR, sync_cli.EXIT_BUSY, sync_cli.EXIT_UPDATE} == {0, 2, 3, 4, 5, 6, 7}  # fmt: skip
    doc = (ROOT / "docs" / "scheduled-sync.md").read_text(encoding="utf-8")
    assert "*/15 * * * *" in doc and "aidou-sync" in doc and "run --quiet" in doc
    assert 'schtasks /Create /SC MINUTE /MO 15 /TN "AIDOU Sync"' in doc
    for code in range(2, 8):
        assert f"| {code} |" in doc
