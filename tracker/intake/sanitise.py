"""The confined child process that parses reporters' files: it rebuilds images from their pixels,
strips PDFs and audio of what identifies their maker, and draws PDF pages for caseworkers.

Every parser of a hostile format runs here, never in a web worker: a crafted file (a 150 KB PNG
that decodes to 120 MB of pixels, a PDF that renders forever) then costs one short-lived process
held to an address-space and CPU limit, not the server (issue 16). It runs as a script
(``python -I sanitise.py TASK MEMORY_MB CPU_SECONDS``) so that it imports none of the app: the file
comes on standard input and the results go to standard output as length-prefixed frames.
"""
from __future__ import annotations

import io
import resource
import struct
import sys

# Exit codes the parent (tracker.intake.confined) turns into reasons for the reporter.
EXIT_DAMAGED = 65
EXIT_TOO_LARGE = 66
EXIT_LOCKED = 67
EXIT_LIMIT = 70
# Pixels decoded at most: a 48-megapixel phone photo passes; checked from the header first.
MAX_IMAGE_PIXELS = 50_000_000
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# The modes each accepted format is warmed up with before the child closes its files.
WARM_UP_IMAGES = (("JPEG", "RGB"), ("JPEG", "L"), ("JPEG", "CMYK"), ("PNG", "RGBA"), ("PNG", "LA"),
                  ("PNG", "I;16"), ("PNG", "P"), ("PNG", "1"), ("GIF", "P"), ("GIF", "L"), ("WEBP", "RGB"),
                  ("WEBP", "RGBA"))
# A drawn PDF page is at most this wide and tall, whatever size the page claims to be.
PAGE_WIDTH = 1000
PAGE_MAX_HEIGHT = 3000
MAX_DRAWN_PAGES = 20
# Catalog entries that run code, hold other files or describe the author, and action keys.
PDF_CATALOG_KEYS = ("/Names", "/OpenAction", "/AA", "/Metadata", "/AcroForm", "/AF", "/Threads",
                    "/SpiderInfo", "/PieceInfo", "/Perms", "/Collection", "/Legal", "/URI")
PDF_OBJECT_KEYS = ("/AA", "/A", "/AF", "/OpenAction", "/JS", "/Metadata", "/PieceInfo", "/EF",
                   "/EmbeddedFiles", "/RichMediaContent")
PDF_ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"})


class Refused(Exception):
    """The file cannot be cleaned; ``code`` is the exit status telling the parent why."""

    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


def clean_image(data: bytes) -> bytes:
    """Re-encode an image from its pixels only: JPEG stays JPEG, others become PNG.

    A new image receives the pixels, so EXIF (with GPS), XMP, IPTC, comments and PNG text chunks
    have nowhere to go; the size is read from the header before any pixel is decoded.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        # Only the decoders of the types intake accepts: no other parser sees the bytes.
        with Image.open(io.BytesIO(data), formats=IMAGE_FORMATS) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise Refused(EXIT_TOO_LARGE)
            is_jpeg = image.format == "JPEG"
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # keep the orientation the EXIF tag gave
            mode = "RGB" if is_jpeg or "A" not in image.getbands() else "RGBA"
            pixels = image if image.mode == mode else image.convert(mode)
            clean = Image.new(mode, pixels.size)  # a new image: no info, no EXIF
            clean.paste(pixels)
            del pixels
    except Image.DecompressionBombError as exc:  # Pillow's own header check, at twice our limit
        raise Refused(EXIT_TOO_LARGE) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise Refused(EXIT_DAMAGED) from exc
    out = io.BytesIO()
    clean.save(out, format="JPEG" if is_jpeg else "PNG", quality=90, compress_level=3)
    return out.getvalue()


def clean_pdf(data: bytes) -> bytes:
    """A copy of the PDF without document information, XMP, attached files, scripts or actions."""
    import pikepdf

    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:  # a user password: nobody here could read it either
        raise Refused(EXIT_LOCKED) from exc
    except (pikepdf.PdfError, ValueError) as exc:
        raise Refused(EXIT_DAMAGED) from exc
    with pdf:
        _drop_keys(pdf.Root, PDF_CATALOG_KEYS)
        _drop_keys(pdf.trailer, ("/Info",))
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                _strip_pdf_object(obj)
            if isinstance(obj, pikepdf.Stream) and obj.get("/Filter") == pikepdf.Name.DCTDecode:
                # A photo placed in a PDF (a phone's scan) keeps its own EXIF, GPS included.
                obj.write(strip_jpeg_segments(obj.read_raw_bytes()), filter=pikepdf.Name.DCTDecode,
                          decode_parms=obj.get("/DecodeParms"))
        for page in pdf.pages:
            annotations = page.obj.get("/Annots")
            if isinstance(annotations, pikepdf.Array):
                kept = [a for a in annotations if a.get("/Subtype") not in PDF_ACTIVE_ANNOTATIONS]
                page.obj.Annots = pikepdf.Array(kept)
        out = io.BytesIO()
        # A fresh /ID from the content: the original's can link the file to its author's earlier copies.
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def _strip_pdf_object(obj) -> None:
    """Drop the keys of one PDF object that run code, hold files or describe the author."""
    _drop_keys(obj, PDF_OBJECT_KEYS)
    if obj.get("/Type") == "/Filespec" or obj.get("/S") == "/JavaScript":
        _drop_keys(obj, [key for key in obj.keys() if key != "/Type"])


def _drop_keys(obj, keys) -> None:
    """Delete these keys from a PDF dictionary where present."""
    for key in keys:
        if key in obj:
            del obj[key]


def strip_jpeg_segments(data: bytes) -> bytes:
    """A JPEG stream without its APP1-APP13 and APP15 (EXIF, XMP, IPTC...) and comment segments.

    APP0 (JFIF) and APP14 (Adobe: how to read CMYK colours) are kept; the pixels are not touched.
    """
    if data[:2] != b"\xff\xd8":
        return data
    kept, offset = [data[:2]], 2
    while offset + 4 <= len(data) and data[offset] == 0xFF:
        marker = data[offset + 1]
        if marker == 0xDA:  # start of scan: the compressed pixels follow to the end
            break
        length = struct.unpack(">H", data[offset + 2:offset + 4])[0]
        identifying = 0xE1 <= marker <= 0xEF and marker != 0xEE or marker == 0xFE
        if not identifying:
            kept.append(data[offset:offset + 2 + length])
        offset += 2 + length
    return b"".join(kept) + data[offset:]


def clean_audio(data: bytes) -> bytes:
    """The recording without its tags (ID3, APEv2, Vorbis comments, MP4 atoms, WAV chunks)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return _clean_wav(data)
    if data[4:8] == b"ftyp":
        return _clean_mp4(data)
    import mutagen
    from mutagen import apev2

    buffer = io.BytesIO(data)
    try:
        # Tags can be stacked at the end in any order (ID3v1 behind APEv2 or the other way round),
        # and removing one uncovers the next: repeat until a fresh read finds none.
        for _ in range(3):
            buffer.seek(0)
            apev2.delete(buffer)
            buffer.seek(0)
            audio = mutagen.File(buffer)
            if audio is None:
                raise Refused(EXIT_DAMAGED)
            if not audio.tags:
                break
            buffer.seek(0)
            audio.delete(buffer)
    except mutagen.MutagenError as exc:
        raise Refused(EXIT_DAMAGED) from exc
    return buffer.getvalue()


def _clean_mp4(data: bytes) -> bytes:
    """An M4A recording with every metadata box (udta, meta, uuid) turned into zeroed padding.

    mutagen's own removal empties the iTunes list only, leaving e.g. the ``©xyz`` place a phone
    writes; a box of the same length typed ``free`` keeps every offset valid (no sample moves).
    """
    import mutagen

    try:
        if mutagen.File(io.BytesIO(data)) is None:
            raise Refused(EXIT_DAMAGED)
    except mutagen.MutagenError as exc:
        raise Refused(EXIT_DAMAGED) from exc
    blanked = bytearray(data)
    _blank_mp4_boxes(blanked, 0, len(blanked))
    return bytes(blanked)


def _blank_mp4_boxes(data: bytearray, start: int, end: int) -> None:
    """Within data[start:end], blank metadata boxes and look inside the boxes that hold them."""
    offset = start
    while offset + 8 <= end:
        size, kind = struct.unpack(">I", data[offset:offset + 4])[0], bytes(data[offset + 4:offset + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[offset + 8:offset + 16])[0], 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            raise Refused(EXIT_DAMAGED)
        if kind in (b"udta", b"meta", b"uuid"):
            data[offset + 4:offset + 8] = b"free"
            data[offset + header:offset + size] = bytes(size - header)
        elif kind in (b"moov", b"trak", b"mdia"):
            _blank_mp4_boxes(data, offset + header, offset + size)
        offset += size


def _clean_wav(data: bytes) -> bytes:
    """Keep a WAV file's format and samples only; LIST/INFO, ID3, bext and other chunks go."""
    chunks, offset = [], 12
    while offset + 8 <= len(data):
        chunk_id, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        body = data[offset + 8:offset + 8 + size]
        if chunk_id in (b"fmt ", b"data", b"fact"):
            chunks.append(chunk_id + struct.pack("<I", len(body)) + body + (b"\x00" if len(body) % 2 else b""))
        offset += 8 + size + size % 2
    if not any(c.startswith(b"fmt ") for c in chunks) or not any(c.startswith(b"data") for c in chunks):
        raise Refused(EXIT_DAMAGED)
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def draw_pdf_pages(data: bytes, max_pages: int) -> list[bytes]:
    """The page count, then PNG pictures of the first pages (PDFium, built without JavaScript)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise Refused(EXIT_DAMAGED) from exc
    pictures = [str(len(document)).encode()]
    for index in range(min(len(document), max_pages)):
        page = document[index]
        width, height = page.get_size()
        scale = min(PAGE_WIDTH / max(width, 1), PAGE_MAX_HEIGHT / max(height, 1))
        image = page.render(scale=scale).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=3)
        pictures.append(out.getvalue())
    return pictures


TASKS = {
    "image": lambda data: [clean_image(data)],
    "pdf": lambda data: [clean_pdf(data)],
    "audio": lambda data: [clean_audio(data)],
    "pdf-pages": lambda data: draw_pdf_pages(data, MAX_DRAWN_PAGES),
}


def confine(memory_mb: int, cpu_seconds: int) -> None:
    """Limit this process: its address space, its CPU time, and no file written."""
    memory = memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def preload(task: str) -> None:
    """Run the task once on tiny files made here: the libraries import modules lazily (Pillow's
    plugins, a module a GIF frame or an EXIF tag needs), and after close_files() no import can
    open its file."""
    if task == "image":
        from PIL import Image

        for image_format, mode in WARM_UP_IMAGES:
            out, exif = io.BytesIO(), Image.Exif()
            exif[0x0112] = 6  # an EXIF orientation, so the rotation path runs too
            Image.new(mode, (3, 2)).save(out, image_format, **({"exif": exif} if image_format == "JPEG" else {}))
            clean_image(out.getvalue())
    elif task == "pdf":
        import pikepdf

        out = io.BytesIO()
        with pikepdf.new() as pdf:
            pdf.add_blank_page()
            pdf.save(out)
        clean_pdf(out.getvalue())
    elif task == "audio":
        import mutagen
        from mutagen import apev2  # noqa: F401

        mutagen.File(io.BytesIO(bytes(128)))  # imports each format module it tries


def close_files() -> None:
    """No new file or socket from here on: only standard input, output and error stay usable.

    Defence in depth against a parser exploited by a crafted file: it could read no key file
    from the instance folder and reach no network. Drawing PDF pages is left out: PDFium opens
    the system fonts a page names without embedding them.
    """
    resource.setrlimit(resource.RLIMIT_NOFILE, (3, 3))


def main(argv: list[str]) -> int:
    """Run one task on the bytes from standard input; write the results as frames."""
    task, memory_mb, cpu_seconds = argv[1], int(argv[2]), int(argv[3])
    confine(memory_mb, cpu_seconds)
    if task != "pdf-pages":
        preload(task)
        close_files()
    data = sys.stdin.buffer.read()
    try:
        results = TASKS[task](data)
    except Refused as refused:
        return refused.code
    except MemoryError:
        return EXIT_LIMIT
    for result in results:
        sys.stdout.buffer.write(struct.pack(">Q", len(result)) + result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
