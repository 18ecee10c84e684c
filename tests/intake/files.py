"""Real files carrying a canary in every place a maker's identity hides, made with the same
libraries the server uses (pikepdf, mutagen) or byte by byte where the format is simple."""
from __future__ import annotations

import io
import struct
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, String

CANARY = "CanaryTseringDolkar"


def pdf_with_hidden_identity(pages: int = 1) -> bytes:
    """A PDF with visible words, and the canary in its Info, XMP, an attached file, scripts and a link."""
    pdf = pikepdf.new()
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    for number in range(pages):
        pdf.add_blank_page(page_size=(300, 200))
        page = pdf.pages[number]
        page.obj.Contents = pdf.make_stream(b"BT /F1 24 Tf 20 100 Td (Visible words %d) Tj ET" % (number + 1))
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    pdf.docinfo[Name.Author] = f"{CANARY}-info"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [f"{CANARY}-xmp"]
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String(f"app.alert('{CANARY}-js')")))
    pdf.attachments["contacts.txt"] = pikepdf.AttachedFileSpec(pdf, f"{CANARY}-attached".encode())
    first = pdf.pages[0].obj
    first.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String(f"{CANARY}-page-js")))
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 50, 50]),
                      A=Dictionary(S=Name.URI, URI=String(f"https://tracker.example/{CANARY}-uri")))
    first.Annots = pdf.make_indirect(Array([pdf.make_indirect(link)]))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def pdf_texts(data: bytes) -> bytes:
    """Every object of a PDF, streams decoded, as one byte string to search."""
    parts = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    parts.append(obj.read_bytes())
                except pikepdf.PdfError:  # a photo (DCT) stays encoded
                    parts.append(obj.read_raw_bytes())
            parts.append(repr(obj).encode())
        parts.append(repr(pdf.trailer).encode())
    return b"\n".join(parts)


def mp3_with_tags() -> bytes:
    """MPEG audio frames with ID3v2, ID3v1 and APEv2 tags naming the canary."""
    from mutagen.apev2 import APEv2
    from mutagen.id3 import COMM, ID3, TPE1

    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames.
    buffer = io.BytesIO((b"\xff\xfb\x90\x64" + b"\x00" * 413) * 8)
    tags = ID3()
    tags.add(TPE1(encoding=3, text=[f"{CANARY}-artist"]))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=[f"{CANARY}-comment"]))
    tags.save(buffer, v1=2)
    ape = APEv2()
    ape["Artist"] = f"{CANARY}-ape"
    buffer.seek(0)
    ape.save(buffer)
    return buffer.getvalue()


def _riff_chunk(chunk_id: bytes, body: bytes) -> bytes:
    return chunk_id + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b"")


def wav_with_tags() -> bytes:
    """A WAV file with a RIFF INFO list and an ID3 chunk naming the canary."""
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    info = b"INFO" + _riff_chunk(b"IART", f"{CANARY}-riff".encode() + b"\x00")
    body = (b"WAVE" + _riff_chunk(b"fmt ", fmt) + _riff_chunk(b"LIST", info) + _riff_chunk(b"data", b"\x01\x00" * 800)
            + _riff_chunk(b"id3 ", b"ID3" + f"{CANARY}-id3".encode()))
    return b"RIFF" + struct.pack("<I", len(body)) + body


def ogg_vorbis_with_tags() -> bytes:
    """An Ogg Vorbis stream's header pages with a Vorbis comment naming the canary."""
    from mutagen.ogg import OggPage

    def text(value: str) -> bytes:
        return struct.pack("<I", len(value.encode())) + value.encode()

    identification = b"\x01vorbis" + struct.pack("<IBIiii", 0, 1, 8000, 0, 32000, 0) + b"\xb8\x01"
    comment = b"\x03vorbis" + text("encoder") + struct.pack("<I", 1) + text(f"ARTIST={CANARY}-vorbis") + b"\x01"
    pages = []
    for sequence, packets in enumerate([[identification], [comment, b"\x05vorbis" + b"\x00" * 20], [b"\x00" * 30]]):
        page = OggPage()
        page.packets, page.serial, page.sequence = packets, 7, sequence
        page.first, page.last, page.position = sequence == 0, sequence == 2, 800 if sequence == 2 else 0
        pages.append(page.write())
    return b"".join(pages)


def png_of_one_colour(width: int, height: int, rows: int | None = None) -> bytes:
    """An RGB PNG of black pixels, compressed row by row (a few hundred KB however large it says it is).

    ``rows`` below ``height`` makes a file whose header promises more than its data holds.
    """
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * width)
    data = b"".join(compressor.compress(row) for _ in range(height if rows is None else rows)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def pdf_with_a_gps_photo(jpeg: bytes) -> bytes:
    """A one-page PDF showing a JPEG whose own EXIF names a camera and a GPS position (a phone's scan)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(40, 30))
    image = pikepdf.Stream(pdf, jpeg)
    image.Type, image.Subtype, image.Filter = Name.XObject, Name.Image, Name.DCTDecode
    image.Width, image.Height, image.ColorSpace, image.BitsPerComponent = 40, 30, Name.DeviceRGB, 8
    page = pdf.pages[0].obj
    page.Resources = Dictionary(XObject=Dictionary(Im0=image))
    page.Contents = pdf.make_stream(b"q 40 0 0 30 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _box(kind: bytes, body: bytes, *, full: bool = False) -> bytes:
    body = (b"\x00" * 4 if full else b"") + body
    return struct.pack(">I", 8 + len(body)) + kind + body


def m4a_with_tags() -> bytes:
    """An MP4 audio file whose iTunes title and ``©xyz`` place box (as phones write) name the canary."""
    header = _box(b"mvhd", struct.pack(">IIII", 0, 0, 1000, 5000) + b"\x00" * 80, full=True)
    handler = _box(b"hdlr", b"\x00" * 4 + b"soun" + b"\x00" * 12 + b"SoundHandler\x00", full=True)
    media = _box(b"mdia", _box(b"mdhd", struct.pack(">IIIIHH", 0, 0, 44100, 220500, 0, 0), full=True) + handler
                 + _box(b"minf", _box(b"stbl", _box(b"stsd", b"\x00" * 4, full=True))))
    track = _box(b"trak", _box(b"tkhd", b"\x00" * 80, full=True) + media)
    title = _box(b"\xa9nam", _box(b"data", struct.pack(">II", 1, 0) + f"{CANARY}-title".encode()))
    meta = _box(b"meta", _box(b"hdlr", b"\x00" * 4 + b"mdirappl" + b"\x00" * 9, full=True) + _box(b"ilst", title),
                full=True)
    place = _box(b"\xa9xyz", struct.pack(">HH", 18, 0) + b"+39.4700+075.9900/" + f"{CANARY}-xyz".encode())
    movie = _box(b"moov", header + track + _box(b"udta", meta + place))
    return _box(b"ftyp", b"M4A " + b"\x00" * 4 + b"M4A mp42isom") + movie + _box(b"mdat", b"\x01" * 100)
