"""培训: a trainee works through a course of gold items on this PC, offline too (ADR 0027).

Each answer is saved as it changes. 检查答案 (Ctrl+Enter) scores it at once with the server's
own measure and shows what was expected: drawn over the trainee's boxes or polygons in
green, listed for the other kinds, with the guideline line about the mistake. After the
last item the attempt is scored as a whole; a pass certifies the trainee here at once,
and the attempt waits to be sent (the server scores it again and confirms).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.imaging import DecodeError
from aidou_desktop.model import Shape
from aidou_desktop.store import Store
from aidou_desktop.ui.editors import EditorEdit, ItemEditor, editor_for
from aidou_desktop.ui.image_cache import load_qimage
from aidou_desktop.ui.label_list import MAX_KEYED_LABELS, LabelList
from aidou_desktop.ui.training_feedback import feedback_html, kind_name, percent
from sync_server.protocol import (
    TASK_BBOX,
    TASK_POLYGON,
    Course,
)
from sync_server.quality.training import (
    ItemFeedback,
    attempt_score,
    course_threshold,
    item_feedback,
    passes,
)

log = logging.getLogger(__name__)

NAME, KIND, LESSONS, PASS_MARK, STATUS = range(5)


class TrainingPage(QWidget):
    home_requested = Signal()
    attempt_finished = Signal()  # an attempt waits to be sent: sync when the link is up

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.course: Course | None = None
        self.attempt_id = ""
        self.position = 0
        self.checked: ItemFeedback | None = None
        self._passed = False
        self._editors: dict[type[ItemEditor], ItemEditor] = {}
        self.editor: ItemEditor | None = None
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_list())
        self.stack.addWidget(self._build_lesson())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    # ------------------------------------------------------------ the course list

    def _build_list(self) -> QWidget:
        page = QWidget()
        title = QLabel(self.tr("Training"))
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        hint = QLabel(self.tr("Each course teaches one kind of work with items whose answers are known. You see at "
                              "once what was expected; reach the pass mark to be certified for that kind of work. "
                              "Courses work without the network."))  # fmt: skip
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Course"), self.tr("Kind of work"), self.tr("Items"), self.tr("Pass mark"), self.tr("Your result")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self._start_selected())
        self.empty_label = QLabel(self.tr("No training courses yet. They arrive with the next sync once the "
                                          "office admin has made one."))  # fmt: skip
        self.empty_label.setObjectName("muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.result_label = QLabel()  # how the attempt just finished went
        self.result_label.setWordWrap(True)
        self.result_label.hide()
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.clicked.connect(self.home_requested)
        self.start_button = QPushButton(self.tr("Start the course"))
        self.start_button.setObjectName("primary")
        self.start_button.clicked.connect(self._start_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.result_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)
        return page

    def refresh(self, result: str = "", passed: bool = False) -> None:
        """The course list, with this user's result on each; ``result``: how the attempt just
        finished went."""
        self._passed = passed
        self.result_label.setText(result)
        self.result_label.setStyleSheet(f"font-size: 13pt; font-weight: bold; color: {'#1b7f3b' if passed else '#b3261e'};")
        self.result_label.setVisible(bool(result))
        user = self.store.current_user()
        self.courses = self.store.courses()
        held = self.store.certificates(user.id) if user else {}
        self.table.setRowCount(len(self.courses))
        for row, course in enumerate(self.courses):
            status = self._status(course, held, user.id if user else None)
            cells = [course.name, kind_name(course.task_kind), str(len(course.items)), percent(course.pass_mark), status]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.courses and not self.table.selectionModel().selectedRows():
            self.table.selectRow(0)
        self.table.setVisible(bool(self.courses))
        self.empty_label.setVisible(not self.courses)
        self.start_button.setEnabled(bool(self.courses))
        self.stack.setCurrentIndex(0)

    def reload_list(self) -> None:
        """After a sync: the list again, the last result kept; a lesson under way is left alone."""
        if self.stack.currentIndex() == 0:
            self.refresh(self.result_label.text(), self._passed)

    def _status(self, course: Course, held: dict, user_id: int | None) -> str:
        cert = held.get(course.task_kind)
        if cert is not None:
            if cert.certified_at:
                return self.tr("Certified (%1)").replace("%1", percent(cert.score))
            return self.tr("Passed (%1), confirmed at the next sync").replace("%1", percent(cert.score))
        under_way = self.store.unfinished_attempt(user_id, course.id) if user_id is not None else None
        if under_way is not None:
            return (self.tr("Under way: %1 of %2 items checked").replace("%1", str(under_way[1]))
                    .replace("%2", str(len(course.items))))  # fmt: skip
        last = self.store.last_attempt(user_id, course.id) if user_id is not None else None
        if last is None:
            return self.tr("Not taken yet")
        return self.tr("Not passed yet (last %1)").replace("%1", percent(last[0] or 0.0))

    def _start_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.start(self.courses[rows[0].row()].id)

    # ------------------------------------------------------------ a lesson

    def _build_lesson(self) -> QWidget:
        page = QWidget()
        self.lesson_title = QLabel()
        self.lesson_title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.editor_stack = QStackedWidget()
        self.labels = LabelList()
        self.labels.label_chosen.connect(self._choose_label)
        self.feedback = QLabel()
        self.feedback.setWordWrap(True)
        self.feedback.setTextFormat(Qt.TextFormat.RichText)
        self.feedback.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.feedback.setMinimumWidth(260)
        self.check_button = QPushButton()
        self.check_button.setObjectName("primary")
        self.check_button.setToolTip("Ctrl+Enter")
        self.check_button.clicked.connect(self._check_or_next)
        self.leave_button = QPushButton(self.tr("Leave (your answers are kept)"))
        self.leave_button.clicked.connect(lambda: self.refresh())
        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("Labels")))
        side.addWidget(self.labels)
        side.addWidget(self.feedback, 1)
        side.addWidget(self.check_button)
        side.addWidget(self.leave_button)
        body = QHBoxLayout()
        body.addWidget(self.editor_stack, 1)
        body.addLayout(side)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.lesson_title)
        layout.addLayout(body, 1)
        self._install_keys(page)
        return page

    def _install_keys(self, page: QWidget) -> None:
        """The annotate page's keys for what a lesson has (no undo, flags or item steps):
        single keys only while the editor is not taking typed text."""

        def add(keys: list, handler, single_key: bool = True) -> None:
            action = QAction(page)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _c=False: None if single_key and self.editor.wants_keys() else handler())
            page.addAction(action)

        add(["Ctrl+Return", "Ctrl+Enter"], self._check_or_next, single_key=False)
        add([Qt.Key.Key_Escape], lambda: self.editor.deselect())
        add([Qt.Key.Key_Delete, Qt.Key.Key_Backspace], lambda: self.checked is None and self.editor.delete_selected())
        add(["F"], lambda: self.editor.fit())
        add(["B"], lambda: self.editor.toggle_contrast())
        add(["H"], lambda: self.editor.toggle_boxes())
        add(["L"], lambda: self.editor.toggle_tags())
        add(["P"], lambda: self.editor.toggle_tool())
        for n in range(MAX_KEYED_LABELS):
            add([str(n + 1)], lambda n=n: self._label_key(n))

    def start(self, course_id: int) -> None:
        """Open the course where this user left it (a new attempt when none is under way)."""
        user = self.store.current_user()
        course = self.store.course(course_id)
        if user is None or course is None or not course.items:
            return
        self.course = course
        self.attempt_id = self.store.open_attempt(user.id, course_id)
        done = self.store.training_answers(self.attempt_id)
        unchecked = [i for i, lesson in enumerate(course.items) if done.get(lesson.item.id, (None, None))[1] is None]
        kind = editor_for(course.task_kind)
        editor = self._editors.get(kind)
        if editor is None:
            editor = self._editors[kind] = kind()
            editor.edited.connect(self._edited)
            # transcription keeps Ctrl+Enter in its text field ("the text is right"): there it checks
            editor.confirmed.connect(self._check_or_next)
            editor.selection_changed.connect(lambda _index: self._show_label_marks())
            status = getattr(editor, "status", None)
            if isinstance(status, QLabel):  # transcription's line about OCR and saving: no OCR reads a lesson
                status.hide()
            self.editor_stack.addWidget(editor)
        self.editor = editor
        self.editor_stack.setCurrentWidget(editor)
        editor.set_order(course.order)
        self.labels.set_schema(course.order.schema)
        self.stack.setCurrentIndex(1)
        self._show(unchecked[0] if unchecked else len(course.items) - 1)

    def _show(self, position: int) -> None:
        self.position = position
        lesson = self.course.items[position]
        saved = self.store.training_answers(self.attempt_id).get(lesson.item.id)
        shapes, score = saved if saved else ([], None)
        self.lesson_title.setText(
            self.tr("%1 — item %2 of %3").replace("%1", self.course.name).replace("%2", str(position + 1))
            .replace("%3", str(len(self.course.items)))
        )  # fmt: skip
        self.editor.show_item(lesson.item, shapes, self._image(lesson.item))
        self._show_label_marks()
        self.checked = None
        self._expected([])
        if score is not None:  # checked before the trainee left: the feedback again
            self._give_feedback(shapes)
        else:
            self.feedback.setText(self.tr("Answer as you would in a real batch, then press Check answer."))
            self.check_button.setText(self.tr("Check answer"))
        self.editor.focus_widget().setFocus()

    def _image(self, item):
        path = self.store.blob_path(item.blob) if item.blob else None
        if path is None:
            return None
        try:
            return load_qimage(path)
        except DecodeError:
            log.warning("lesson image %s could not be decoded", item.blob)
            return None

    def _edited(self, edit: EditorEdit) -> None:
        if self.checked is not None:  # the answer is given: what was expected is on screen
            self.editor.set_shapes(self._answer())
            return
        self.editor.set_shapes(edit.after, edit.selected_after)
        self.store.save_training_answer(self.attempt_id, self.course.items[self.position].item.id, edit.after)
        self._show_label_marks()

    def _show_label_marks(self) -> None:
        """As on the annotate page: the selected mark's label highlighted; on class pages the
        chosen classes ticked."""
        if self.editor is not None and self.course is not None:
            self.labels.show_marks(self.editor.current_label(), self.editor.chosen_labels())

    def _answer(self) -> list[Shape]:
        saved = self.store.training_answers(self.attempt_id).get(self.course.items[self.position].item.id)
        return saved[0] if saved else []

    def _choose_label(self, index: int) -> None:
        if self.editor is not None and self.checked is None:
            self.editor.choose_label(index)

    def _label_key(self, index: int) -> None:
        if index < len(self.course.order.schema.labels):
            self._choose_label(index)

    def _check_or_next(self) -> None:
        if self.course is None or self.stack.currentIndex() != 1:
            return
        if self.checked is None:
            self.editor.flush()
            shapes = self.editor.shapes()
            lesson = self.course.items[self.position]
            score = item_feedback(self.course.task_kind, shapes, lesson.expected,
                                  threshold=course_threshold(self.course)).score
            self.store.save_training_answer(self.attempt_id, lesson.item.id, shapes, score)
            self._give_feedback(shapes)
        elif self.position + 1 < len(self.course.items):
            self._show(self.position + 1)
        else:
            self._finish()

    def _give_feedback(self, shapes: list[Shape]) -> None:
        lesson = self.course.items[self.position]
        feedback = item_feedback(self.course.task_kind, shapes, lesson.expected, self.course.order.guidelines,
                                 course_threshold(self.course))
        self.checked = feedback
        self._expected(lesson.expected)
        self.feedback.setText(feedback_html(self.course, self.position, feedback))
        last = self.position + 1 == len(self.course.items)
        self.check_button.setText(self.tr("See the result") if last else self.tr("Next item"))

    def _expected(self, shapes: list[Shape]) -> None:
        """Show the expected answer over the trainee's (and their marks can no longer be
        changed), or [] for none (a fresh lesson: drawing again)."""
        canvas = getattr(self.editor, "canvas", None)
        if canvas is not None and self.course.task_kind in (TASK_BBOX, TASK_POLYGON):
            canvas.show_expected(shapes)
            canvas.set_read_only(bool(shapes))

    def _finish(self) -> None:
        user = self.store.current_user()
        answered = {item: shapes for item, (shapes, _s) in self.store.training_answers(self.attempt_id).items()}
        expected = {lesson.item.id: lesson.expected for lesson in self.course.items}
        score = attempt_score(self.course.task_kind, answered, expected, course_threshold(self.course))
        passed = passes(score, self.course.pass_mark)
        self.store.finish_attempt(self.attempt_id, score, passed, user.id, self.course)
        if passed:
            text = self.tr("Passed with %1: you are certified for %2 work. The server confirms it at the next sync.")
        else:
            text = self.tr("%1 — below the pass mark of %3 for %2 work. Look at the guidelines and try again.")
        self.refresh(text.replace("%1", percent(score)).replace("%2", kind_name(self.course.task_kind))
                     .replace("%3", percent(self.course.pass_mark)), passed)  # fmt: skip
        self.attempt_finished.emit()

