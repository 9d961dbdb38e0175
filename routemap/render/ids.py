"""Deterministic element ids for folium/branca.

branca gives every element a random 32-hex-digit id (``Element._generate_id``) that ends
up in JavaScript variable names, so the same map rendered twice differs. Within
:func:`deterministic_ids` the generator is replaced by a counter, and restored on exit.

>>> from branca.element import Element
>>> with deterministic_ids(prefix="doc"):
...     Element().get_name(), Element().get_name()
('element_doc00001', 'element_doc00002')
>>> len(Element()._id)  # random again outside
32
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["IdCounter", "deterministic_ids"]

#: A source of successive integers (``itertools.count``): keep one per map so that
#: elements added to the same map by later calls still get fresh ids.
IdCounter = Iterator[int]

_LOCK = threading.RLock()


@contextmanager
def deterministic_ids(counter: IdCounter | None = None, *, prefix: str = "rm") -> Iterator[None]:
    """Within the block, new branca/folium elements get ids ``<prefix>00001``, … from
    ``counter`` (a fresh count from 1 when None) instead of random ones.

    The replacement is process-wide while the block runs, so the block holds a lock:
    two renders in two threads take turns. The prefix is not hexadecimal, so the ids
    cannot collide with the random ids of elements made elsewhere.
    """
    from branca.element import Element

    count = itertools.count(1) if counter is None else counter
    with _LOCK:
        original = Element.__dict__["_generate_id"]

        def generate(cls: type) -> str:
            return f"{prefix}{next(count):05d}"

        setattr(Element, "_generate_id", classmethod(generate))  # noqa: B010
        try:
            yield
        finally:
            setattr(Element, "_generate_id", original)  # noqa: B010
