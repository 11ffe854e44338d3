"""A batch's items as a sequence read from the local database a page at a time.

A 10,000-item text batch holds megabytes of text: opening it must not read them all
(issue 8). The sequence keeps only the items' ids (in item order) and reads the items
themselves in pages of ``PAGE_SIZE`` when asked for, keeping the last few pages.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Sequence

from sync_server.protocol import Item

PAGE_SIZE = 100
PAGES_KEPT = 8  # the page shown, and those a step either way or a jump back may need


class ItemPages(Sequence[Item]):
    def __init__(self, ids: list[int], fetch: Callable[[list[int]], list[Item]]) -> None:
        """``ids`` in ascending order; ``fetch(ids)`` reads those items (any order)."""
        self.ids = ids
        self._fetch = fetch
        self._pages: OrderedDict[int, list[Item]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index):  # an int, or a slice (read page by page)
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.ids)))]
        if index < 0:
            index += len(self.ids)
        if not 0 <= index < len(self.ids):
            raise IndexError(index)
        number, offset = divmod(index, PAGE_SIZE)
        page = self._pages.get(number)
        if page is None:
            page = self._read(number)
        else:
            self._pages.move_to_end(number)
        return page[offset]

    def index_of(self, item_id: int) -> int | None:
        """Where the item is, or None when it is not one of these."""
        at = self.insertion_point(item_id)
        return at if at < len(self.ids) and self.ids[at] == item_id else None

    def insertion_point(self, item_id: int) -> int:
        """Where the item is, or would be in item order."""
        return bisect_left(self.ids, item_id)

    def _read(self, number: int) -> list[Item]:
        wanted = self.ids[number * PAGE_SIZE : (number + 1) * PAGE_SIZE]
        found = {item.id: item for item in self._fetch(wanted)}
        page = [found[item_id] for item_id in wanted]  # KeyError: items are never deleted locally
        self._pages[number] = page
        while len(self._pages) > PAGES_KEPT:
            self._pages.popitem(last=False)
        return page
