"""Splitting work into bounded batches (SQL ``IN`` lists, multi-row inserts, platform API calls)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` items (any iterable, consumed lazily)."""
    if size < 1:
        raise ValueError(f"chunk size must be positive, got {size}")
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch
