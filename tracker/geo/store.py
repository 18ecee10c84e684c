"""The compact gazetteer file: a JSON header and named binary sections, compressed with xz.

One module owns the format so the build script and the loader cannot drift apart.
"""
from __future__ import annotations

import json
import lzma
import sys
from array import array
from pathlib import Path
from typing import Any

FORMAT = "tracker-gazetteer/1"
DATA_DIR = Path(__file__).parent / "data"
INDEX_PATH = DATA_DIR / "gazetteer.xz"

# Typecodes of the numeric sections; everything else is UTF-8 text.
ARRAY_SECTIONS = {
    "lat": "i",  # degrees * 1e5
    "lon": "i",
    "population": "I",
    "country": "H",  # index into header["countries"]
    "admin1": "H",  # index into header["admin1"], NO_ADMIN1 when unknown
    "admin2": "H",  # index into header["admin2"] (second-level divisions), NO_ADMIN1 when unknown
    "geonameid": "I",
    "postings": "I",  # per sorted key: its place number, or SHARED | offset into "shared"
    "shared": "I",  # runs of [count, place, place, ...] for keys naming several places
    "key_blocks": "I",  # offsets of every 64th key in the keys text (see keyindex.py)
}
# UTF-8 text kept as bytes: the sorted keys are searched as bytes (see keyindex.py).
BYTES_SECTIONS = {"keys"}
NO_ADMIN1 = 0xFFFF
SHARED = 0x8000_0000
COORD_SCALE = 100_000


def write_index(path: Path, header: dict[str, Any], sections: dict[str, Any]) -> None:
    """Write the header and sections (str or array) to an xz file."""
    blobs: list[bytes] = []
    layout: list[list[Any]] = []
    for name, value in sections.items():
        if isinstance(value, array):
            value = _little_endian(value).tobytes()
        else:
            value = value.encode("utf-8")
        layout.append([name, len(value)])
        blobs.append(value)
    head = dict(header, format=FORMAT, sections=layout)
    first = json.dumps(head, ensure_ascii=False, sort_keys=True).encode() + b"\n"
    # The dictionary need not be larger than the data: the reader then needs only that much
    # memory to decompress, not preset 9's 64 MB (the start-up peak counts against 200 MB).
    size = max(len(first) + sum(map(len, blobs)), 1 << 20)
    filters = [{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "dict_size": size}]
    with lzma.open(path, "wb", filters=filters) as out:
        out.write(first)
        for blob in blobs:
            out.write(blob)


def read_header(path: Path = INDEX_PATH) -> dict[str, Any]:
    """Only the header, decompressing no more than its first line."""
    with lzma.open(path, "rb") as handle:
        return json.loads(handle.readline())


def read_index(path: Path = INDEX_PATH) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the header and the sections (text as str, keys as bytes, numbers as array).

    Section by section from the stream: decompressing the whole file at once would briefly
    hold it two or three times over.
    """
    sections: dict[str, Any] = {}
    with lzma.open(path, "rb") as handle:
        header = json.loads(handle.readline())
        if header.get("format") != FORMAT:
            raise ValueError(f"{path} is not a {FORMAT} file")
        for name, size in header["sections"]:
            blob = handle.read(size)
            if name in ARRAY_SECTIONS:
                values = array(ARRAY_SECTIONS[name])
                values.frombytes(blob)
                sections[name] = _little_endian(values)
            elif name in BYTES_SECTIONS:
                sections[name] = blob
            else:
                sections[name] = blob.decode("utf-8")
    return header, sections


def _little_endian(values: array) -> array:
    """The file is little-endian; swap in place on a big-endian machine."""
    if sys.byteorder == "big":
        values.byteswap()
    return values
