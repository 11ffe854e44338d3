"""Training's part of a sync (ADR 0027): the attempts made on this PC go up (each stored
once on the server, however often sent), then the office's courses and this user's
certificates come down, then the lessons' images. A server without training (404) is
left alone: the rest of the sync does not depend on it."""

from __future__ import annotations

import logging

from aidou_desktop.store import Store
from aidou_desktop.sync.client import SyncClient
from aidou_desktop.sync.errors import ServerError
from sync_server.protocol import AttemptsRequest, AttemptsResponse, CoursesResponse, from_wire, to_wire

log = logging.getLogger(__name__)


def sync_training(store: Store, client: SyncClient, user_id: int) -> int:
    """Send waiting attempts and fetch the courses; returns how many attempts the server answered."""
    answered = 0
    waiting = store.waiting_attempts(user_id)
    try:
        if waiting:
            body = to_wire(AttemptsRequest(waiting))
            results = from_wire(AttemptsResponse, client.request_json("POST", "/training/attempts", body)).results
            store.settle_attempts(user_id, results)
            answered = len(results)
        found = from_wire(CoursesResponse, client.request_json("GET", "/training/courses"))
    except ServerError as exc:
        if exc.status == 404:  # a server from before training
            log.info("no training on this server: %s", exc)
            return answered
        raise
    store.save_courses(found.courses, found.certificates, user_id)
    return answered
