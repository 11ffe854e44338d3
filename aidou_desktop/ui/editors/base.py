"""The contract between the annotate page (the host) and one task kind's editor.

The host owns everything the task kinds share: the batch and its navigation, saving
through the store, undo, the flag, the state line, the label list with its number keys
and the guidelines. An editor owns how one item looks and how a person changes it: it
never saves. Each change leaves as one ``EditorEdit`` (shapes before and after) on
``edited``; the host checks it against the order's rules, turns it into one undo step
and saves it, then hands the saved shapes back with ``set_shapes``.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from aidou_desktop.model import Item, Order, Shape


@dataclass
class EditorEdit:
    text: str  # the undo step's name ("Draw box", "Add entity")
    before: list[Shape]
    after: list[Shape]
    selected_before: int
    selected_after: int
    merge_id: int = -1  # consecutive edits with one id (and one selection) merge into one undo step


class ItemEditor(QWidget):
    """Base of every editor: defaults for what is optional, and input-method tracking."""

    edited = Signal(object)  # EditorEdit
    selection_changed = Signal(int)  # index into shapes(), -1 for none: the side panel follows it
    notice = Signal(str)  # something the person asked for could not be done, in their words
    confirmed = Signal()  # the person gave the item's answer (transcription's Ctrl+Enter): on to the next

    # Enter (and Return) steps to the next item: pages where the keyboard never types text
    enter_is_next = False
    # Delete clears the whole item (class pages), not only a selected shape
    deletes_all = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.order: Order | None = None
        self._composing = False

    # ------------------------------------------------------------ content (required)

    def set_order(self, order: Order) -> None:
        self.order = order

    def show_item(self, item: Item, shapes: list[Shape], image: QImage | None, selected: int = -1) -> None:
        """Show ``item`` with its saved shapes. ``image``: its decoded display copy, or None
        (a text item, or an image that is missing or damaged: the host says so)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Show nothing (a batch is being opened, or closed)."""
        self.set_shapes([])

    def set_shapes(self, shapes: list[Shape], selected: int = -1) -> None:
        """Show these shapes (after undo / redo / a save): emits no ``edited``."""
        raise NotImplementedError

    def shapes(self) -> list[Shape]:
        raise NotImplementedError

    @property
    def selected(self) -> int:
        return -1

    def choose_label(self, index: int) -> None:
        """Number key ``index + 1``, or a click on the label list."""

    def delete_selected(self) -> None:
        """Delete / Backspace."""

    def deselect(self) -> None:
        """Escape."""

    def fit(self) -> None:
        """F: show the whole item."""

    def snap_selected(self) -> None:
        """G: fit the selected box to the object inside it (box pages); nothing elsewhere."""

    def toggle_boxes(self) -> None:
        """H: hide or show the marks drawn on an image (box pages); nothing elsewhere."""

    def toggle_tags(self) -> None:
        """L: hide or show the marks' label tags (box pages); nothing elsewhere."""

    def toggle_contrast(self) -> None:
        """B: more contrast on the item's image (box pages); nothing elsewhere."""

    def toggle_tool(self) -> None:
        """P: draw polygons or boxes (polygon pages); nothing elsewhere."""

    def flush(self) -> None:
        """Emit what is changed and not yet handed over (text typed since the last pause):
        the host calls it before it leaves the item and before an undo or redo."""

    def side_widget(self) -> QWidget | None:
        """A widget of the editor's for the side panel (the list of an image's marks), or None."""
        return None

    def focus_widget(self) -> QWidget:
        """Where the keyboard goes when the item is shown."""
        return self

    # ------------------------------------------------------------ typing and input methods

    def wants_keys(self) -> bool:
        """True while the person types or composes with an input method: the host's
        single-key shortcuts (A, D, E, F, Q, 1–9, Enter) then do nothing."""
        return self._composing

    def track_input_method(self, widget: QWidget) -> None:
        """Follow ``widget``'s input-method composition (a pinyin preedit is under way
        between the first key and the commit): while it lasts, ``wants_keys`` is True
        and shortcut keys go to the widget (the IME), not to the host's shortcuts."""
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.InputMethod:
            self._composing = bool(event.preeditString())
        elif kind == QEvent.Type.FocusOut:
            self._composing = False
        elif kind == QEvent.Type.ShortcutOverride and self._composing:
            event.accept()  # the key belongs to the composition
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ the side panel (optional)

    def current_label(self) -> int:
        """The label row to highlight in the label list, or -1."""
        return -1

    def chosen_labels(self) -> set[str] | None:
        """Class pages: the label names to show ticked in the label list; None: no ticks."""
        return None

    def count_text(self) -> str:
        """One line under the labels: what this item holds ("2 entities")."""
        return ""

    def keys_help(self) -> str:
        """Every key of this editor (the F1 window)."""
        return ""

    def keys_brief(self) -> str:
        """The keys a person needs most, under the label list (F1 has them all)."""
        return self.keys_help()

    def delete_text(self) -> str:
        return self.tr("Delete (Del)")

    def empty_text(self) -> str:
        """The button that saves "nothing to mark here" (E); "" hides it."""
        return self.tr("Nothing to mark (E)")

    def empty_tip(self) -> str:
        return ""

    def set_suggestion(self, lines) -> None:
        """Transcription: what the PC's OCR read on the item shown (``store.ocr_suggestion``:
        a list of ``OcrLine``, [] for no text, None while it has not run); the host gives it
        after ``show_item`` and again when the OCR of that item finishes."""
