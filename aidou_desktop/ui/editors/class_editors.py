"""Classification of a whole item, a text or an image: number keys choose its class(es).

Single-label orders: a key sets the class, the same key again clears it. Multi-label
orders (``LabelSchema.multi_label``): each key adds or removes its class. The classes
chosen show as chips over the item and as ticks in the label list.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from aidou_desktop.model import Item, Shape
from aidou_desktop.ui.canvas.mark_item import readable_text_color
from aidou_desktop.ui.editors.base import EditorEdit, ItemEditor
from aidou_desktop.ui.editors.image_view import FittedImage
from aidou_desktop.ui.editors.readable_text import ReadableText
from aidou_desktop.ui.label_list import MAX_KEYED_LABELS
from sync_server.protocol import SHAPE_CLASS


class ClassChips(QWidget):
    """The chosen classes as coloured chips ("2 投诉"), or a hint when none is chosen."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 6)
        self._layout.setSpacing(8)
        self.setMinimumHeight(40)

    def show_chosen(self, chosen: list[tuple[int, str, str]], hint: str) -> None:
        """``chosen``: (schema index or -1, title, colour) per class."""
        while self._layout.count():
            widget = self._layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for index, title, color in chosen:
            key = f"{index + 1} " if 0 <= index < MAX_KEYED_LABELS else ""
            chip = QLabel(f"{key}{title}")
            text_color = readable_text_color(QColor(color)).name()
            chip.setStyleSheet(f"background: {color}; color: {text_color}; border-radius: 14px;"
                               " padding: 4px 14px; font-size: 13pt; font-weight: bold;")  # fmt: skip
            self._layout.addWidget(chip)
        if not chosen:
            note = QLabel(hint)
            note.setObjectName("muted")
            note.setStyleSheet("font-size: 12pt;")
            self._layout.addWidget(note)
        self._layout.addStretch(1)


class ClassEditor(ItemEditor):
    """What text and image classification share; the subclass adds the view of the item."""

    enter_is_next = True
    deletes_all = True

    def __init__(self, view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.chips = ClassChips()
        self._shapes: list[Shape] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chips)
        layout.addWidget(view, 1)
        self.setFocusProxy(view)
        self.track_input_method(view)

    @property
    def multi_label(self) -> bool:
        return bool(self.order and self.order.schema.multi_label)

    def set_shapes(self, shapes: list[Shape], selected: int = -1) -> None:
        self._shapes = list(shapes)
        self._show_chips()

    def shapes(self) -> list[Shape]:
        return list(self._shapes)

    def clear(self) -> None:
        self.set_shapes([])

    def choose_label(self, index: int) -> None:
        if self.order is None or not 0 <= index < len(self.order.schema.labels):
            return
        name = self.order.schema.labels[index].name
        before = self.shapes()
        chosen = [s.label for s in before]
        if name in chosen:
            after = [s for s in before if s.label != name]
            text = self.tr("Remove class")
        else:
            names = self.order.schema.names()
            wanted = set(chosen) | {name} if self.multi_label else {name}
            # in the schema's order, whatever order the keys came in: one answer, one form;
            # a class the order no longer has stays (the rules then say it must go first)
            after = [Shape(SHAPE_CLASS, n, []) for n in names if n in wanted]
            if self.multi_label:
                after += [s for s in before if s.label not in names]
            text = self.tr("Choose class")
        self.edited.emit(EditorEdit(text, before, after, -1, -1))

    def delete_selected(self) -> None:
        if self._shapes:
            self.edited.emit(EditorEdit(self.tr("Clear classes"), self.shapes(), [], -1, -1))

    def focus_widget(self) -> QWidget:
        return self.view

    def _show_chips(self) -> None:
        labels = self.order.schema.labels if self.order else []
        index = {label.name: i for i, label in enumerate(labels)}
        chosen = []
        for shape in self._shapes:
            i = index.get(shape.label, -1)  # -1: a class the order no longer has, shown by its name
            label = labels[i] if i >= 0 else None
            chosen.append((i, label.title if label else shape.label, label.color if label else "#8c959f"))
        if self.multi_label:
            hint = self.tr("No class chosen yet: press 1–9 (several may apply)")
        else:
            hint = self.tr("No class chosen yet: press 1–9")
        self.chips.show_chosen(chosen, hint)

    # ------------------------------------------------------------ side panel

    def chosen_labels(self) -> set[str] | None:
        return {s.label for s in self._shapes}

    def count_text(self) -> str:
        # by its context: PySide's tr() finds a plural form only under the instance's own class
        return QCoreApplication.translate("ClassEditor", "%n class(es) chosen", "", len(self._shapes))

    def keys_help(self) -> str:
        if self.multi_label:
            first = self.tr("Press 1–9 to add or remove a class: several may apply.")
        else:
            first = self.tr("Press 1–9 to choose the class; the same key again clears it.")
        rest = self.tr("Enter / D next · A previous\nCtrl+Z undo · Ctrl+Shift+Z redo · Del clear")
        return f"{first}\n{rest}"

    def delete_text(self) -> str:
        return self.tr("Clear (Del)")

    def empty_text(self) -> str:
        return self.tr("None of these (E)")

    def empty_tip(self) -> str:
        return self.tr("No class applies: mark the item as done without a class")


class TextClassEditor(ClassEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        self.text_view = ReadableText()
        super().__init__(self.text_view, parent)

    def show_item(self, item: Item, shapes: list[Shape], image: QImage | None, selected: int = -1) -> None:
        self.text_view.show_text(item.text or "")
        self.set_shapes(shapes)


class ImageClassEditor(ClassEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        self.image_view = FittedImage()
        super().__init__(self.image_view, parent)

    def show_item(self, item: Item, shapes: list[Shape], image: QImage | None, selected: int = -1) -> None:
        self.image_view.show_image(image)
        self.set_shapes(shapes)
