"""The sync server against its own OpenAPI document, fuzzed with schemathesis (issue 10).

Every operation of /openapi.json gets up to 50 generated requests (plus schemathesis's
coverage cases: edges and wrong types), in process over ASGI, as the office's admin on a
copy of the server tests' small world. Each answer must be no 5xx, carry a status and
content type the document names, and match the schema it gives for that status.
Derandomized: the same cases on every run. This is the CI's schemathesis run.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server_helpers import PASSWORD, push, record
from sync_server.api.app import create_app
from sync_server.db.accounts import create_user, issue_token, use_token
from sync_server.db.engine import read_connection, write_transaction
from sync_server.protocol import API_PREFIX, PROTOCOL_VERSION, VERSION_HEADER

MAX_EXAMPLES = 50  # per operation, on top of the coverage cases

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 10,
        "suppress-health-check": ["all"],  # slow cases are fine; flaky health checks are not
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
    }
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,  # Retry-After on a 429
]


class FuzzServer:
    """The app, and an admin token that is made anew whenever a fuzzed request revoked it
    (a logout, or a new password or sign-out for the admin's own id). Schemathesis drops
    the token from the cases it makes to try a request without one (answered 401)."""

    def __init__(self, app, admin_id: int) -> None:
        self.app = app
        self.admin_id = admin_id
        self.token = ""

    def headers(self, generated: dict[str, str] | None = None) -> dict[str, str]:
        engine = self.app.state.database.engine
        with read_connection(engine) as conn:
            valid = bool(self.token) and use_token(conn, self.token, self.app.state.token_lifetime) is not None
        if not valid:
            with write_transaction(engine) as conn:
                self.token = issue_token(conn, self.admin_id)
        headers = {"Authorization": f"Bearer {self.token}"}
        if not any(name.lower() == VERSION_HEADER.lower() for name in generated or {}):
            headers[VERSION_HEADER] = str(PROTOCOL_VERSION)  # a generated value (or none) is kept
        return headers


@pytest.fixture(scope="module")
def fuzz_server(template, tmp_path_factory):
    source, world = template
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(source, data_dir)
    app = create_app(data_dir)
    engine = app.state.database.engine
    with write_transaction(engine) as conn:
        admin = create_user(conn, world.office, "admin", "管理员", "admin", PASSWORD)
        anno1 = issue_token(conn, world.anno1)
    with TestClient(app) as client:  # something in the feed, and a conflict to list
        first = record(world.batch1_items[0])
        assert push(client, anno1, first, record(world.batch1_items[1])).status_code == 200
        assert push(client, anno1, record(world.batch1_items[0])).json()["results"][0]["status"] == "conflict"
    yield FuzzServer(app, admin)
    engine.dispose()


def _load_schema():
    """The document as /openapi.json serves it, read at import: pytest makes one test per
    operation from it. (The document does not depend on the data; the requests go to
    ``fuzz_server``. Not ``schemathesis.pytest.from_fixture``: it fails on pytest 9.2.)"""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Path(folder) / "data")
        try:
            loaded = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
        finally:
            app.state.database.engine.dispose()
    loaded.app = None  # every call names its app
    return loaded


schema = _load_schema()


@schema.parametrize()
def test_every_operation_answers_as_documented(case, fuzz_server):
    case.call_and_validate(app=fuzz_server.app, headers=fuzz_server.headers(case.headers), checks=CHECKS)


# ---------------------------------------------------------------- the document itself


def _document(fuzz_server) -> dict:
    with TestClient(fuzz_server.app) as client:
        answer = client.get("/openapi.json")
    assert answer.status_code == 200
    return answer.json()


def _body_schema(document: dict, path: str) -> dict:
    body = document["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    ref = body["content"]["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_login_and_push_have_their_request_bodies(fuzz_server):
    document = _document(fuzz_server)
    schemas = document["components"]["schemas"]

    login = _body_schema(document, f"{API_PREFIX}/login")
    assert set(login["required"]) == {"username", "password"}
    assert {"username", "password", "protocol_version"} <= set(login["properties"])

    pushed = _body_schema(document, f"{API_PREFIX}/push")
    assert pushed["required"] == ["annotations"]
    assert pushed["properties"]["annotations"]["maxItems"] == 500
    record_schema = schemas[pushed["properties"]["annotations"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(record_schema["required"]) == {"id", "item_id", "batch_id", "base_id", "shapes"}
    shape = schemas[record_schema["properties"]["shapes"]["items"]["$ref"].rsplit("/", 1)[1]]
    assert set(shape["required"]) == {"kind", "label", "points"}

    responses = document["paths"][f"{API_PREFIX}/login"]["post"]["responses"]
    assert {"200", "400", "401", "413", "415", "422", "426", "429"} <= set(responses)
    assert responses["429"]["headers"]["Retry-After"]["required"] is True


def test_the_document_names_the_token_and_the_protocol_header(fuzz_server):
    document = _document(fuzz_server)
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "the token from POST /api/v1/login",
    }
    open_operations = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "security" not in operation:
                open_operations.add(f"{method.upper()} {path}")
            for parameter in operation.get("parameters", []):
                if parameter["name"] == VERSION_HEADER:
                    assert parameter["schema"]["type"] == "integer"
    assert open_operations == {"GET /healthz", f"POST {API_PREFIX}/login"}


# ---------------------------------------------------------------- what the fuzzing found (5xx, now 4xx or 200)


def test_what_the_fuzzing_found_answers_without_a_server_error(fuzz_server, world):
    with TestClient(fuzz_server.app, raise_server_exceptions=False) as client:
        headers = fuzz_server.headers()
        for action in ("password", "enable", "disable", "signout"):  # an id past SQLite's 64 bits
            answer = client.post(f"{API_PREFIX}/users/{2**63}/{action}", json={"password": "long-enough"}, headers=headers)
            assert (answer.status_code, answer.json()["code"]) == (404, "unknown_user"), action
        far_future = "9999-12-31T23:59:59-23:59"  # past year 9999 in UTC
        assign = {"annotator_id": world.anno1, "until": far_future}
        answer = client.post(f"{API_PREFIX}/batches/{world.batch1}/assign", json=assign, headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (422, "bad_until")
        answer = client.post(f"{API_PREFIX}/orders/{world.order}/assign-idle", json={"until": far_future}, headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (422, "bad_until")
        answer = client.post(f"{API_PREFIX}/missing", json={"ids": [{}, [], 7, None, "not-a-uuid"]}, headers=headers)
        assert answer.status_code == 200 and answer.json()["missing"] == []

