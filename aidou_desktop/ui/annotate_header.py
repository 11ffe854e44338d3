"""The annotate page's top: where the annotator is, how the item stands, what needs saying."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from aidou_desktop.model import Annotation
from aidou_desktop.ui.look import ACCENT, MUTED, OFFLINE, ONLINE
from aidou_desktop.ui.messages import sync_state_text

STATE_COLORS = {
    "queued": "#9a6700",
    "sending": "#9a6700",
    "synced": ONLINE,
    "conflict": "#8250df",
    "rejected": "#b42318",
    "suggested": ACCENT,
}


def banner(style: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.hide()
    return label


class AnnotateHeader(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back_button = QPushButton(self.tr("← Home"))
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight: bold;")
        self.position_label = QLabel()
        self.position_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.state_label = QLabel()
        self.link_label = QLabel()  # online or offline: work goes on either way, the annotator knows which
        self.prev_button = QPushButton(self.tr("← Previous (A)"))
        self.next_button = QPushButton(self.tr("Next (D) →"))
        self.next_button.setObjectName("primary")
        for button in (self.back_button, self.prev_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the editor keeps the keyboard
        # a save that failed, or an image that cannot be shown: stays until the item changes
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.hide()
        # a change the order's rules refused: until the next change is saved
        self.notice_label = banner("background: #fde8e7; color: #b42318; padding: 6px; font-weight: bold;")
        # rework: the lead's reason stays in sight until the annotator's fix is saved
        self.review_banner = banner("background: #fde8e7; color: #b42318; padding: 6px; font-weight: bold;")
        # the annotator's own flag for the lead stays in sight while the item carries it
        self.flag_banner = banner("background: #fff4d6; color: #7a4d00; padding: 6px; font-weight: bold;")

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title_label, 1)
        top.addWidget(self.position_label)
        top.addSpacing(16)
        top.addWidget(self.state_label)
        top.addSpacing(16)
        top.addWidget(self.link_label)
        top.addSpacing(8)
        top.addWidget(self.prev_button)
        top.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        for label in (self.error_label, self.notice_label, self.review_banner, self.flag_banner):
            layout.addWidget(label)

    def show_link(self, online: bool) -> None:
        color, word = (ONLINE, self.tr("Online")) if online else (OFFLINE, self.tr("Offline"))
        self.link_label.setText(f'<span style="color:{color}">●</span> {word}')
        self.link_label.setToolTip(
            self.tr("Connected to the server: saved work uploads by itself.") if online
            else self.tr("No link to the server: keep working, everything is saved on this PC and uploads later.")
        )  # fmt: skip

    def show_position(self, index: int, count: int) -> None:
        self.position_label.setText(self.tr("Item %1 / %2").replace("%1", str(index + 1)).replace("%2", str(count)))
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < count - 1)

    def show_annotation(self, annotation: Annotation | None, sent_back_because: str | None) -> None:
        """The item's sync state, the lead's reason when it was sent back, its flag."""
        state = annotation.state if annotation else None
        if annotation is not None and annotation.is_suggestion:
            self.state_label.setText(self.tr("Suggested: check it (Enter takes it as it is)"))
            state = "suggested"
        else:
            text = sync_state_text(state, annotation.reason_code, annotation.reason_params) if annotation \
                else sync_state_text(state)  # fmt: skip
            if annotation is not None and not annotation.shapes:  # E: done, with nothing on it
                text = self.tr("Marked: nothing to mark here · %1").replace("%1", text)
            self.state_label.setText(text)
        style = f"color: {STATE_COLORS.get(state, MUTED)}; font-weight: bold;"
        if style != self.state_label.styleSheet():  # a style sheet set costs ~0.5 ms: only on a change
            self.state_label.setStyleSheet(style)
        if sent_back_because is not None:
            self.review_banner.setText(self.tr("Sent back by the lead: %1").replace("%1", sent_back_because))
        self.review_banner.setVisible(sent_back_because is not None)
        flag = annotation.flag if annotation else None
        if flag:
            self.flag_banner.setText(self.tr("Flagged for the lead: %1").replace("%1", flag))
        self.flag_banner.setVisible(bool(flag))

    def show_error(self, text: str | None) -> None:
        self.error_label.setText(text or "")
        self.error_label.setVisible(bool(text))

    def show_notice(self, text: str | None) -> None:
        self.notice_label.setText(text or "")
        self.notice_label.setVisible(bool(text))
