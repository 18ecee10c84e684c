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
}
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
    with lzma.open(path, "wb", preset=9 | lzma.PRESET_EXTREME) as out:
        out.write(json.dumps(head, ensure_ascii=False, sort_keys=True).encode() + b"\n")
        for blob in blobs:
            out.write(blob)


def read_header(path: Path = INDEX_PATH) -> dict[str, Any]:
    """Only the header, decompressing no more than its first line."""
    with lzma.open(path, "rb") as handle:
        return json.loads(handle.readline())


def read_index(path: Path = INDEX_PATH) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read the header and the sections (text as str, numbers as array)."""
    raw = lzma.decompress(path.read_bytes())
    end = raw.index(b"\n")
    header = json.loads(raw[:end])
    if header.get("format") != FORMAT:
        raise ValueError(f"{path} is not a {FORMAT} file")
    sections: dict[str, Any] = {}
    offset = end + 1
    for name, size in header["sections"]:
        blob = raw[offset : offset + size]
        offset += size
        if name in ARRAY_SECTIONS:
            values = array(ARRAY_SECTIONS[name])
            values.frombytes(blob)
            sections[name] = _little_endian(values)
        else:
            sections[name] = blob.decode("utf-8")
    return header, sections


def _little_endian(values: array) -> array:
    """The file is little-endian; swap in place on a big-endian machine."""
    if sys.byteorder == "big":
        values.byteswap()
    return values
