"""The canvas's zoom: fit, wheel zoom about the mouse, and bringing a part of the image
into view. Mixed into ``AnnotationCanvas`` (a QGraphicsView with ``image_rect``, ``marks``
and the tag timer)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QGraphicsView

from aidou_desktop.ui.canvas.tag_layout import lay_out_tags

MAX_ZOOM = 40.0


class ZoomMixin:
    def fit_to_window(self) -> None:
        if self.image_rect.isEmpty():
            return
        self.fitInView(self.image_rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._fit_on_resize = True
        self._zoom_changed()

    def zoom_by(self, factor: float) -> None:
        fit = self._fit_scale()
        target = min(max(self.transform().m11() * factor, fit * 0.5), MAX_ZOOM)
        factor = target / self.transform().m11()
        self.scale(factor, factor)
        self._fit_on_resize = False
        self._zoom_changed()

    def show_mark(self, index: int) -> None:
        """Bring mark ``index`` into view if any of it is off screen (zoom unchanged)."""
        if 0 <= index < len(self.marks):
            visible = self.mapToScene(self.viewport().rect()).boundingRect()
            if not visible.contains(self.marks[index].rect):
                self._fit_on_resize = False
                self.centerOn(self.marks[index].rect.center())

    def show_rect(self, rect: QRectF, min_height_px: float = 28.0) -> None:
        """Centre ``rect`` (original-image pixels) in the view, first zooming in until it
        stands ``min_height_px`` tall on screen (a line of text to read) as far as its width
        still fits; never zooms out."""
        if self.image_rect.isEmpty() or rect.isEmpty():
            return
        scale = self.transform().m11()
        viewport = self.viewport().rect()
        wanted = min(min_height_px / rect.height(), 0.95 * viewport.width() / rect.width())
        if wanted > scale:
            self.zoom_by(wanted / scale)
        self._fit_on_resize = False
        self.centerOn(rect.center())

    def wheelEvent(self, event: QWheelEvent) -> None:
        # wheel and ctrl+wheel both zoom, about the point under the mouse
        delta = event.angleDelta().y()
        if delta:
            self.zoom_at(event.position(), 1.0015**delta)
        event.accept()

    def zoom_at(self, viewport_pos: QPointF, factor: float) -> None:
        """Zoom keeping the image point under ``viewport_pos`` where it is. Worked out here
        from the event's own position: Qt's AnchorUnderMouse uses the last mouse move the
        view saw, and our mouseMoveEvent (drawing, hover cursors) never hands those on, so
        it anchored at a stale point and the object under the mouse left the screen."""
        at = viewport_pos.toPoint()
        scene_point = self.mapToScene(at)
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        try:
            self.zoom_by(factor)
        finally:
            self.setTransformationAnchor(anchor)
        drift = self.mapFromScene(scene_point) - at
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + drift.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + drift.y())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit_on_resize:
            self.fit_to_window()

    def _fit_scale(self) -> float:
        viewport = self.viewport().rect()
        if self.image_rect.isEmpty() or viewport.isEmpty():
            return 1.0
        return min(viewport.width() / self.image_rect.width(), viewport.height() / self.image_rect.height())

    def _zoom_changed(self) -> None:
        per_pixel = 1.0 / max(self.transform().m11(), 1e-6)
        for mark in self.marks:
            mark.set_scene_per_pixel(per_pixel)
        if self._draft is not None:
            self._draft.set_state(self._draft.points, self._draft.mouse, per_pixel)
        # once the wheel rests: laying out a thousand tags (~30 ms) on every notch would stutter
        self._tag_timer.start()

    def lay_out_tags(self) -> None:
        lay_out_tags(self.marks, 1.0 / max(self.transform().m11(), 1e-6), self.image_rect)
