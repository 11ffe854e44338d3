"""HTTPS: the server serves with its certificate; the PCs verify it, trust an office's own CA
file, and say plainly (not "offline") when a certificate cannot be trusted."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import trustme

from aidou_desktop.sync.client import SyncClient
from aidou_desktop.sync.errors import ServerError
from tests.desktop.server_process import ROOT, free_port
from tests.faults.world import PASSWORD, build_world


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("tls")
    build_world(base / "data", annotators=1, batch_size=2)
    ca = trustme.CA()  # the office's own CA
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.private_key_and_cert_chain_pem.write_to_path(str(base / "server.pem"))
    ca.cert_pem.write_to_path(str(base / "office-ca.pem"))
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync_server.cli", "serve", "--data-dir", str(base / "data"), "--port", str(port),
         "--certfile", str(base / "server.pem"), "--keyfile", str(base / "server.pem")],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(url + "/healthz", verify=str(base / "office-ca.pem"), timeout=1)
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the HTTPS server did not start: {proc.stderr.read().decode(errors='replace')[-800:]}")
            time.sleep(0.2)
    yield url, base / "office-ca.pem"
    proc.terminate()
    proc.wait(10)


def test_a_pc_with_the_office_ca_logs_in_over_https(tls_server):
    url, ca_file = tls_server
    client = SyncClient(url, ca_file=str(ca_file))
    assert client.healthy()
    assert client.login("anno1", PASSWORD).user.username == "anno1"


def test_an_untrusted_certificate_is_refused_plainly_not_taken_for_offline(tls_server):
    url, _ca_file = tls_server
    client = SyncClient(url)  # the system's CAs only: the office CA is unknown to them
    with pytest.raises(ServerError) as refused:
        client.login("anno1", PASSWORD)
    assert refused.value.code == "tls_untrusted" and "office-ca.pem" in str(refused.value)
    assert not client.healthy()


def test_aidou_sync_finds_the_office_ca_in_its_data_dir(tls_server, tmp_path):
    url, ca_file = tls_server
    env = dict(os.environ, PYTHONPATH=str(ROOT), AIDOU_PASSWORD=PASSWORD)
    env.pop("AIDOU_CA_FILE", None)
    data = tmp_path / "pc"
    cmd = [sys.executable, "-m", "aidou_desktop.sync.cli", "--data-dir", str(data)]
    untrusted = subprocess.run([*cmd, "login", "--server", url, "--user", "anno1"], env=env, cwd=ROOT,
                               capture_output=True, text=True, timeout=60)  # fmt: skip
    assert untrusted.returncode == 5 and "certificate cannot be verified" in untrusted.stderr
    data.mkdir(parents=True, exist_ok=True)
    (data / "office-ca.pem").write_bytes(Path(ca_file).read_bytes())
    trusted = subprocess.run([*cmd, "login", "--server", url, "--user", "anno1"], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
    assert trusted.returncode == 0, trusted.stderr
    assert subprocess.run([*cmd, "run", "--quiet"], env=env, cwd=ROOT, capture_output=True, timeout=120).returncode == 0


def test_serve_refuses_half_a_certificate(tmp_path):
    done = subprocess.run([sys.executable, "-m", "sync_server.cli", "serve", "--data-dir", str(tmp_path),
                           "--certfile", str(tmp_path / "x.pem")], cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 2 and "go together" in done.stderr
