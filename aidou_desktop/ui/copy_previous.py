"""V on the box and polygon pages: the previous item's boxes (and outlines) onto this one
(video frames and near-duplicate photos), as one undo step, checked like any other edit."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from aidou_desktop.model import clamp_shape
from aidou_desktop.ui.editors import BoxEditor, EditorEdit
from sync_server.protocol import SHAPE_BOX, SHAPE_POLYGON, TASK_SHAPES


def copy_previous_boxes(page) -> None:
    """``page``: the ``AnnotatePage``. Boxes already on this item stay; the same box twice is not added."""
    item = page.current_item()
    if item is None or not isinstance(page.editor, BoxEditor) or page.index < 1:
        return
    previous = page.store.annotation(page.items[page.index - 1].id)
    kinds = {SHAPE_BOX, SHAPE_POLYGON} & set(TASK_SHAPES.get(page.order.task_kind, ()))
    boxes = [clamp_shape(s, item.width, item.height) for s in (previous.shapes if previous else []) if s.kind in kinds]
    before = page.editor.shapes()
    after = before + [box for box in boxes if box not in before]
    if not boxes or after == before:
        if not boxes:
            text = QCoreApplication.translate("AnnotatePage", "The previous item has no boxes to copy.")
        else:
            text = QCoreApplication.translate("AnnotatePage", "The previous item's boxes are on this one already.")
        page.header.show_notice(text)
        return
    page._push(EditorEdit(QCoreApplication.translate("AnnotatePage", "Copy the previous item's boxes"),  # noqa: SLF001
                          before, after, page.editor.selected, len(after) - 1))  # fmt: skip
