"""The FastAPI application."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from sync_server.api.deps import Database
from sync_server.api.errors import install_error_handlers
from sync_server.api.routes import api_router, health_router
from sync_server.db.blobs import BlobStore
from sync_server.db.engine import default_db_url, make_engine
from sync_server.protocol import API_PREFIX, PROTOCOL_VERSION

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


def create_app(data_dir: Path, db_url: str | None = None) -> FastAPI:
    """The sync server for ``data_dir`` (blobs in ``data_dir/blobs``; SQLite there unless ``db_url``)."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    app = FastAPI(
        title="AI豆 sync server",
        version=str(PROTOCOL_VERSION),
        description="Offline-first annotation sync: login, change feed, push, blobs. See docs/interfaces.md.",
    )
    app.state.database = Database(make_engine(db_url or default_db_url(data_dir)))
    app.state.blob_store = BlobStore(data_dir / "blobs")
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(api_router)
    app.add_middleware(GZipExceptBlobs)
    return app
