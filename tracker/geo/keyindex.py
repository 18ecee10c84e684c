"""The gazetteer's sorted lookup keys, searched inside one UTF-8 blob instead of 780,000 strings.

A list of that many Python strings costs about 50 MB and a dictionary more; the blob costs its
10 MB of text plus one sample key in every BLOCK. A lookup bisects the samples, then lets
bytes.find() scan one block of about a kilobyte: the same answer as bisecting the whole list,
in about a microsecond. UTF-8 byte order is code point order, so the blob stays sorted.
"""
from __future__ import annotations

from array import array
from bisect import bisect_right

BLOCK = 64  # keys per block: one sample string each


def block_offsets(blob: bytes) -> array:
    """Offsets of the newline before every BLOCK-th key (computed once, at build time)."""
    offsets, position, index = array("I"), 0, 0
    while position != -1 and position < len(blob) - 1:
        if index % BLOCK == 0:
            offsets.append(position)
        position = blob.find(b"\n", position + 1)
        index += 1
    return offsets


class KeyIndex:
    """Sorted UTF-8 keys joined by newlines, framed by one more at each end, every BLOCK-th sampled."""

    def __init__(self, text: bytes, offsets: array | None = None) -> None:
        self.blob = b"\n" + text + b"\n" if text else b"\n"
        self.offsets = offsets if offsets is not None else block_offsets(self.blob)
        self.samples = [self.blob[o + 1 : self.blob.index(b"\n", o + 1)].decode("utf-8") for o in self.offsets]
        self.count = self.blob.count(b"\n") - 1

    def __len__(self) -> int:
        return self.count

    def _block(self, key: str) -> int:
        """The block whose first key is the last one not after key (or 0)."""
        return max(bisect_right(self.samples, key) - 1, 0)

    def position(self, key: str) -> int | None:
        """The rank of a key among all keys, or None when it is not one of them."""
        if not self.samples:
            return None
        block = self._block(key)
        start = self.offsets[block]
        end = self.offsets[block + 1] + 1 if block + 1 < len(self.offsets) else len(self.blob)
        found = self.blob.find(b"\n" + key.encode("utf-8") + b"\n", start, end)
        if found == -1:
            return None
        return block * BLOCK + self.blob.count(b"\n", start, found)

    def has_prefix(self, prefix: str) -> bool:
        """Whether some key starts with prefix."""
        if not self.samples:
            return False
        block = self._block(prefix)
        start = self.offsets[block]
        # The first key at or after prefix lies in this block or opens the next one.
        end = self.offsets[block + 2] if block + 2 < len(self.offsets) else len(self.blob)
        return self.blob.find(b"\n" + prefix.encode("utf-8"), start, end) != -1
