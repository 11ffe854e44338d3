"""The bench's annotator and password, apart from fixtures.py: the cold-start child imports
them, and must not import OpenCV and numpy with them (the app no longer does before its
first paint: ADR 0029)."""

from sync_server.protocol import UserInfo

USER = UserInfo(1, "anno1", "标注员一", "annotator", 1, "积石山 AI豆 基地")
PASSWORD = "anno123"
