"""The API's JSON answers, written by orjson (ADR 0020).

Starlette's ``JSONResponse`` runs ``json.dumps(ensure_ascii=False, separators=(",", ":"))``;
orjson writes the same compact UTF-8 JSON, the same values, some 5–10× faster. What it
cannot write (an integer past 64 bits, a key that is not a string, a lone surrogate)
goes to Starlette's own encoder as before, which writes it or fails as it always did.
One difference is kept on purpose: a NaN or infinity is written as ``null`` where
Starlette refused it with a 500; nothing the server stores can hold one (``check_shape``).
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse as _StarletteJSONResponse

__all__ = ["JSONResponse"]


class JSONResponse(_StarletteJSONResponse):
    def render(self, content: Any) -> bytes:
        try:
            return orjson.dumps(content)
        except TypeError:
            return super().render(content)
