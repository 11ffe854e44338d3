"""One editor per task kind, all on the annotate page's shared machinery (see ``base``)."""

from aidou_desktop.ui.editors.base import EditorEdit, ItemEditor
from aidou_desktop.ui.editors.box_editor import BoxEditor
from aidou_desktop.ui.editors.class_editors import ImageClassEditor, TextClassEditor
from aidou_desktop.ui.editors.ner_editor import NerEditor
from aidou_desktop.ui.editors.polygon_editor import PolygonEditor
from aidou_desktop.ui.editors.transcription_editor import TranscriptionEditor
from sync_server.protocol import TASK_BBOX, TASK_IMAGE_CLASS, TASK_NER, TASK_POLYGON, TASK_TEXT_CLASS, TASK_TRANSCRIPTION

EDITORS: dict[str, type[ItemEditor]] = {
    TASK_BBOX: BoxEditor,
    TASK_POLYGON: PolygonEditor,
    TASK_IMAGE_CLASS: ImageClassEditor,
    TASK_TEXT_CLASS: TextClassEditor,
    TASK_NER: NerEditor,
    TASK_TRANSCRIPTION: TranscriptionEditor,
}


def editor_for(task_kind: str) -> type[ItemEditor]:
    """The editor class for an order's task kind; boxes for a kind this app has no editor for."""
    return EDITORS.get(task_kind, BoxEditor)


__all__ = ["EDITORS", "BoxEditor", "EditorEdit", "ItemEditor", "PolygonEditor", "TranscriptionEditor", "editor_for"]
