"""Training as it happens in a base office (ADR 0027, ADR 0015): two trainees share one PC,
so each one's attempts and certificates stay theirs, on screen and on the way to the server
(under their own token, in their own bundle); and the app is closed in the middle of a
course, which opens again at the same lesson with every answer given so far."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from aidou_desktop.store import Store
from aidou_desktop.sync.bundle import export_push_bundle
from aidou_desktop.sync.engine import client_for
from aidou_desktop.sync.training_sync import sync_training
from sync_server.bundles import KIND_PUSH, VerifiedBundle, attempt_pages, key_bytes
from sync_server.protocol import (
    AttemptResult,
    Certificate,
    CoursesResponse,
    LoginResponse,
    Shape,
    to_wire,
)
from sync_server.quality.training import attempt_score
from tests.desktop.fake_server import FakeServer, json_reply
from tests.gui.gui_helpers import ANNOTATOR, PASSWORD, press
from tests.gui.text_helpers import drag_select
from tests.gui.training_helpers import (
    COURSE_NAMES,
    DIALOGUE_GOLD,
    DIALOGUES,
    ENTITIES,
    INTENTS,
    MESSAGE_GOLD,
    TRAINEE_B,
    bundle_key,
    check,
    open_course,
    seed_courses,
    sign_in,
)

KEYS = {name: Qt.Key(Qt.Key.Key_1 + n) for n, (name, _title) in enumerate(INTENTS)}
WRONG = {"logistics": "refund", "complaint": "refund"}


def _answer_all(page, labels: list[str]) -> None:
    for label in labels:
        press(page.editor.view, KEYS[label])
        check(page.editor.view)
        check(page.editor.view)


def _back_home_and_log_out(qtbot, window) -> None:
    QTest.mouseClick(window.training_page.back_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.home_page
    with qtbot.waitSignal(window.logout.finished, timeout=15_000):  # the server is out of reach: told later
        QTest.mouseClick(window.home_page.logout_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.login_page


def test_two_trainees_on_one_pc_never_see_each_others_results(qtbot, tmp_path, open_window):
    data_dir = tmp_path / "data"
    seed_courses(data_dir, tmp_path / "work", ["text_class"], trainees=(ANNOTATOR, TRAINEE_B))
    name = COURSE_NAMES["text_class"]
    window = open_window(data_dir)
    store = window.store

    sign_in(qtbot, window, ANNOTATOR)  # the morning shift: A passes
    page = open_course(qtbot, window, name)
    _answer_all(page, MESSAGE_GOLD)
    assert "Passed with 100%" in page.result_label.text()
    assert page.table.item(0, 4).text() == "Passed (100%), confirmed at the next sync"
    _back_home_and_log_out(qtbot, window)

    sign_in(qtbot, window, TRAINEE_B)  # the afternoon shift, the same PC
    QTest.mouseClick(window.home_page.training_button, Qt.MouseButton.LeftButton)
    assert not page.result_label.isVisible()  # A's result is not B's to see
    assert page.table.item(0, 4).text() == "Not taken yet"
    page = open_course(qtbot, window, name)
    assert page.position == 0 and page.editor.shapes() == []  # B starts afresh, not on A's answers
    press(page.editor.view, KEYS[WRONG[MESSAGE_GOLD[0]]])
    check(page.editor.view)
    check(page.editor.view)
    QTest.mouseClick(page.leave_button, Qt.MouseButton.LeftButton)  # B leaves halfway
    assert page.table.item(0, 4).text() == "Under way: 1 of 2 items checked"

    assert store.certificates(TRAINEE_B.id) == {} and set(store.certificates(ANNOTATOR.id)) == {"text_class"}
    [a_attempt] = store.waiting_attempts(ANNOTATOR.id)
    assert store.waiting_attempts(TRAINEE_B.id) == []  # B's is not finished: nothing of B's waits to be sent
    assert [a.shapes[0].label for a in a_attempt.answers] == MESSAGE_GOLD
    _back_home_and_log_out(qtbot, window)

    sign_in(qtbot, window, ANNOTATOR)  # A again: their pass, and nothing of B's
    QTest.mouseClick(window.home_page.training_button, Qt.MouseButton.LeftButton)
    assert window.training_page.table.item(0, 4).text() == "Passed (100%), confirmed at the next sync"


def _take(store: Store, user, labels: list[str]) -> str:
    """An attempt at the course finished on the PC (as the training page stores it)."""
    [course] = store.courses()
    attempt = store.open_attempt(user.id, course.id)
    answers = {}
    for lesson, label in zip(course.items, labels):
        answers[lesson.item.id] = [Shape("class", label, [])]
        store.save_training_answer(attempt, lesson.item.id, answers[lesson.item.id], 1.0)
    expected = {lesson.item.id: lesson.expected for lesson in course.items}
    score = attempt_score(course.task_kind, answers, expected)
    store.finish_attempt(attempt, score, score >= course.pass_mark, user.id, course)
    return attempt


def test_each_trainees_attempts_go_up_under_their_own_token_only(tmp_path):
    answered: dict[str, list[str]] = {}  # token -> attempt ids the server was sent with it

    def server(request):
        token = request.headers["authorization"].removeprefix("Bearer ")
        if request.path.endswith("/training/attempts"):
            sent = [a["id"] for a in json.loads(request.body)["attempts"]]
            answered.setdefault(token, []).extend(sent)
            return json_reply(200, {"results": [{"id": i, "status": "accepted", "score": 1.0} for i in sent]})
        return json_reply(200, to_wire(CoursesResponse(courses, [])))

    with FakeServer(server) as fake:
        data_dir = tmp_path / "data"
        courses = seed_courses(data_dir, tmp_path / "work", ["text_class"], trainees=(ANNOTATOR, TRAINEE_B),
                               server=fake.url)  # fmt: skip
        with Store(data_dir) as store:
            a_attempt = _take(store, ANNOTATOR, MESSAGE_GOLD)
            b_attempt = _take(store, TRAINEE_B, [WRONG[label] for label in MESSAGE_GOLD])
            for trainee in (ANNOTATOR, TRAINEE_B):  # as `aidou-sync run` does, one user after the other
                client = client_for(store, user_id=trainee.id)
                try:
                    sync_training(store, client, trainee.id)
                finally:
                    client.close()
            assert store.waiting_attempts(ANNOTATOR.id) == store.waiting_attempts(TRAINEE_B.id) == []

    assert answered == {"token-anno1": [a_attempt], "token-anno2": [b_attempt]}


def test_a_bundle_carries_the_attempts_of_its_signer_only(tmp_path):
    data_dir = tmp_path / "data"
    seed_courses(data_dir, tmp_path / "work", ["text_class"], trainees=(ANNOTATOR, TRAINEE_B))
    with Store(data_dir) as store:
        a_attempt = _take(store, ANNOTATOR, MESSAGE_GOLD)
        b_attempt = _take(store, TRAINEE_B, MESSAGE_GOLD)
        for trainee, mine in ((TRAINEE_B, b_attempt), (ANNOTATOR, a_attempt)):
            store.remember_login(store.get_setting("server_url"), PASSWORD,
                                 LoginResponse(f"token-{trainee.username}", trainee, "2026-11-26T08:00:00Z",
                                               bundle_key=bundle_key(trainee)))  # fmt: skip
            path = tmp_path / f"{trainee.username}.aidou"
            assert export_push_bundle(store, path).attempts == 1
            with VerifiedBundle(path, KIND_PUSH, lambda _m, t=trainee: key_bytes(bundle_key(t))) as bundle:
                assert bundle.manifest.user.id == trainee.id
                assert [a.id for page in attempt_pages(bundle) for a in page] == [mine]
        # an answer that came with A's token settles A's attempts only, never B's
        store.settle_attempts(ANNOTATOR.id, [AttemptResult(b_attempt, "accepted", 1.0, True,
                                                           Certificate(ANNOTATOR.id, "text_class", 1, 1.0, "x"))])  # fmt: skip
        assert [a.id for a in store.waiting_attempts(TRAINEE_B.id)] == [b_attempt]


def test_the_app_closed_mid_course_opens_again_at_the_same_lesson_with_the_answers(qtbot, tmp_path, open_window):
    data_dir = tmp_path / "data"
    seed_courses(data_dir, tmp_path / "work", ["ner"])
    name = COURSE_NAMES["ner"]
    window = open_window(data_dir)
    sign_in(qtbot, window)
    page = open_course(qtbot, window, name)
    view = page.editor.view
    keys = {label: Qt.Key(Qt.Key.Key_1 + n) for n, (label, _title) in enumerate(ENTITIES)}

    def mark(text: str, label: str, surface: str) -> None:
        start = text.index(surface)
        drag_select(view, text, start, start + len(surface))
        press(view, keys[label])

    for label, surface in DIALOGUE_GOLD[0]:
        mark(DIALOGUES[0], label, surface)
    check(view)
    assert page.checked.right
    check(view)
    first_attempt = page.attempt_id
    mark(DIALOGUES[1], *DIALOGUE_GOLD[1][0])  # lesson 2: one entity of two, then the app is closed
    window.close()

    window = open_window(data_dir)  # the next morning
    sign_in(qtbot, window)
    QTest.mouseClick(window.home_page.training_button, Qt.MouseButton.LeftButton)
    page = window.training_page
    assert page.table.item(0, 4).text() == "Under way: 1 of 2 items checked"
    page = open_course(qtbot, window, name)
    view = page.editor.view
    assert page.attempt_id == first_attempt and page.position == 1 and page.checked is None
    assert view.toPlainText() == DIALOGUES[1]
    assert [(s.label, DIALOGUES[1][slice(*s.points[0])]) for s in page.editor.shapes()] == [("PER", "李四")]
    assert "item 2 of 2" in page.lesson_title.text()

    mark(DIALOGUES[1], *DIALOGUE_GOLD[1][1])
    check(view)
    assert page.checked.right
    check(view)
    assert "Passed with 100%" in page.result_label.text()
    [attempt] = window.store.waiting_attempts(ANNOTATOR.id)
    assert attempt.id == first_attempt and len(attempt.answers) == 2  # lesson 1's answer came through the restart
