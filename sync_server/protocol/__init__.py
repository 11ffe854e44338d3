"""The sync protocol, shared by the desktop client and the server: one package, imported
as ``sync_server.protocol``.

Standard library and orjson only (ADR 0020): the desktop imports it without pulling in
the server's dependencies (``sync_server/__init__.py`` stays empty for that reason).

- ``wire``: the protocol version, status, error and rejection codes (``REJECT_*``, with
  ``Problem``: a reason's English text, code and params), and the core wire types;
- ``office``: the wire types of the lead's and admin's endpoints;
- ``codec``: ``to_wire`` (a dataclass as JSON-ready data, defaults left out),
  ``from_wire`` (checks decoded JSON and builds the dataclass, raising ``WireError``
  with a message a person can read), ``check_shape`` and ``check_payload``;
- ``shapes_text``: ``ShapesText``, shapes kept as their wire JSON text (the desktop's
  outbox), sent without being decoded;
- ``polygon``: ``polygon_area`` and ``is_simple`` (with ``self_intersection``), the
  geometry ``check_shape`` uses for polygons.
"""

from sync_server.protocol.codec import *  # noqa: F403
from sync_server.protocol.office import *  # noqa: F403
from sync_server.protocol.polygon import *  # noqa: F403
from sync_server.protocol.shapes_text import ShapesText  # noqa: F401
from sync_server.protocol.training import *  # noqa: F403
from sync_server.protocol.wire import *  # noqa: F403
