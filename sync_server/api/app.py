"""The FastAPI application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from sync_server.api.conflict_routes import conflict_router
from sync_server.api.report_routes import report_router
from sync_server.api.deps import Database
from sync_server.api.errors import install_error_handlers
from sync_server.api.openapi_doc import install_openapi
from sync_server.api.order_routes import order_router
from sync_server.api.dashboard_routes import dashboard_router
from sync_server.api.quality_routes import overlap_refused, quality_router
from sync_server.api.training_routes import training_router, uncertified_refused
from sync_server.api.routes import api_router, health_router
from sync_server.api.session_routes import session_router
from sync_server.api.throttle import LoginThrottle
from sync_server.api.user_routes import user_router
from sync_server.db.blobs import BlobStore
from sync_server.db.engine import default_db_url, make_engine, read_connection
from sync_server.db.identity import server_id
from sync_server.db.private_files import private_dir
from sync_server.db.wal_checkpoint import start_wal_checkpointer
from sync_server.orders.leasing import NotCertified, OverlapSameAnnotator
from sync_server.protocol import API_PREFIX, PROTOCOL_VERSION, SERVER_ID_HEADER

_BLOB_PATH = f"{API_PREFIX}/blobs/"


class GZipExceptBlobs:
    """gzip for JSON answers, never for images: WebP and JPEG do not shrink, and a
    compressed body would break the byte ranges a resumed download asks for."""

    # gzip costs ≈ 65 bytes (its header and trailer, "Content-Encoding" and "Vary"
    # lines): measured, JSON answers from ≈ 200 bytes up come out smaller (a login,
    # a push of three records); below that they would grow
    def __init__(self, app: ASGIApp, minimum_size: int = 200) -> None:
        self.plain = app
        self.gzipped = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(_BLOB_PATH):
            await self.plain(scope, receive, send)
        else:
            await self.gzipped(scope, receive, send)


class ServerIdHeader:
    """Every answer names the database behind it: a captive portal's page or a proxy's
    error lacks the header, and the client treats it as no link (ADR 0013)."""

    def __init__(self, app: ASGIApp, database_id: str) -> None:
        self.app = app
        self.header = (SERVER_ID_HEADER.lower().encode(), database_id.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), self.header]
            await send(message)

        await self.app(scope, receive, send_with_header)


DEFAULT_TOKEN_DAYS = 14


def create_app(data_dir: Path, db_url: str | None = None, token_days: float = DEFAULT_TOKEN_DAYS) -> FastAPI:
    """The sync server for ``data_dir`` (blobs in ``data_dir/blobs``; SQLite there unless
    ``db_url``); a token expires ``token_days`` after its last use."""
    data_dir = private_dir(Path(data_dir))  # 0700: its database and originals are nobody else's
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        checkpointer = start_wal_checkpointer(app.state.database.engine)  # SQLite files only (ADR 0028)
        try:
            yield
        finally:
            if checkpointer is not None:
                checkpointer.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="AI豆 sync server",
        version=str(PROTOCOL_VERSION),
        description="Offline-first annotation sync: login, change feed, push, blobs. See docs/interfaces.md.",
    )
    app.state.database = Database(make_engine(db_url or default_db_url(data_dir)))
    with read_connection(app.state.database.engine) as conn:
        app.state.server_id = server_id(conn)
    app.state.blob_store = BlobStore(data_dir / "blobs")
    app.state.token_lifetime = timedelta(days=token_days)
    app.state.login_throttle = LoginThrottle()
    install_error_handlers(app)
    install_openapi(app)  # the bodies the routes read themselves, the bearer scheme, the header's type
    app.include_router(health_router)
    app.include_router(api_router)
    app.include_router(session_router)  # logging out
    app.include_router(conflict_router)  # leads and admins: conflicts to settle
    app.include_router(report_router)  # leads and admins: pay sheet, throughput
    app.include_router(user_router)  # the base admin's accounts
    app.include_router(order_router)  # leads and admins: orders, batches, progress, assigning
    app.include_router(quality_router)  # leads and admins: agreement, gold scores (ADR 0026)
    app.include_router(dashboard_router)  # leads and admins: the 看板 charts (issue 11)
    app.include_router(training_router)  # courses, attempts, certificates (ADR 0027)
    app.add_exception_handler(OverlapSameAnnotator, overlap_refused)  # 409 from any route that leases
    app.add_exception_handler(NotCertified, uncertified_refused)  # 403 from any route that leases
    app.add_middleware(GZipExceptBlobs)
    app.add_middleware(ServerIdHeader, database_id=app.state.server_id)
    return app
