"""What a file really is, judged by its content; what its name and declared type claim must agree.

:func:`inspect` is the one check every upload passes: the content is recognised by its signature
(magic bytes); an Office document must be a real OOXML package (a zip with ``[Content_Types].xml``
and the main part of its kind), without macros or programs inside and not a zip bomb; executables
are refused whatever they are called; and the type the client declared, and the file name's
extension, must name what the content is. Every refusal is a 415 with the reason in Russian.
"""
import io
import zipfile
import zlib
from pathlib import PurePosixPath

from shared.errors import UnsupportedMediaType

PDF, PNG, JPEG, GIF, WEBP = "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ACCEPTED = {PDF: "PDF", DOCX: "DOCX", XLSX: "XLSX", PPTX: "PPTX", PNG: "PNG", JPEG: "JPEG", GIF: "GIF", WEBP: "WEBP"}
EXTENSIONS = {PDF: (".pdf",), DOCX: (".docx",), XLSX: (".xlsx",), PPTX: (".pptx",), PNG: (".png",),
              JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"), GIF: (".gif",), WEBP: (".webp",)}
# What clients send besides the exact type: older browsers' names, and what systems without Office
# call OOXML files (they are zips, and the legacy Office types name the same programs).
DECLARED_ALIASES = {
    "image/pjpeg": JPEG, "image/jpg": JPEG, "image/x-png": PNG, "application/x-pdf": PDF,
    "application/msword": DOCX, "application/vnd.ms-excel": XLSX, "application/vnd.ms-powerpoint": PPTX,
}
OOXML = (DOCX, XLSX, PPTX)
ZIP_TYPES = ("application/zip", "application/x-zip-compressed", "application/x-zip")
# A declared type that says nothing about the content.
UNDECLARED = ("", "application/octet-stream", "binary/octet-stream", "application/x-download",
              "application/force-download")
OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"GIF87a", GIF),
              (b"GIF89a", GIF))
# Windows PE, ELF, Mach-O (both byte orders, and fat binaries), scripts with an interpreter line.
EXECUTABLE_SIGNATURES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                         b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
EXECUTABLE_EXTENSIONS = {".exe", ".dll", ".com", ".scr", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js",
                         ".jse", ".wsf", ".hta", ".jar", ".sh", ".apk", ".cpl", ".lnk", ".pif", ".reg"}
MACRO_EXTENSIONS = {".docm", ".dotm", ".xlsm", ".xltm", ".xlam", ".pptm", ".potm", ".ppsm", ".ppam"}
# An OOXML package larger than this unpacked, or with more parts, is refused (a zip bomb, or absurd).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_PARTS = 10_000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024

NOT_ACCEPTED = "Такой тип файла не принимается"


def inspect(data, declared_type=None, filename=None):
    """The media type of ``data``, once it has passed every check; UnsupportedMediaType otherwise."""
    extension = PurePosixPath((filename or "").replace("\\", "/")).suffix.lower()
    if data.startswith(EXECUTABLE_SIGNATURES) or extension in EXECUTABLE_EXTENSIONS:
        raise refused("Исполняемые файлы и скрипты не принимаются")
    if extension in MACRO_EXTENSIONS:
        raise refused("Документы с макросами не принимаются: сохраните файл без макросов (.docx, .xlsx, .pptx)")
    media_type = sniff(data)
    if media_type is None:
        kinds = ", ".join(sorted(set(ACCEPTED.values())))
        raise refused(f"Содержимое файла не похоже ни на один из допустимых форматов: {kinds}")
    _check_declared(media_type, declared_type)
    if extension and any(extension in known for known in EXTENSIONS.values()) \
            and extension not in EXTENSIONS[media_type]:
        raise refused(f"Расширение «{extension}» не соответствует содержимому: это {ACCEPTED[media_type]}")
    return media_type


def sniff(data):
    """The media type of ``data`` if it is one the network accepts, else None (OOXML checked whole)."""
    for signature, media_type in SIGNATURES:
        if data.startswith(signature):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _office_document(data)
    return None


def inspect_as(expected, data, declared_type=None, filename=None):
    """Like :func:`inspect`, and the content must be of type ``expected`` too."""
    media_type = inspect(data, declared_type, filename)
    if media_type != expected:
        raise refused(f"Ожидался файл {ACCEPTED[expected]}, а по содержимому это {ACCEPTED[media_type]}")
    return media_type


def refused(reason):
    return UnsupportedMediaType(NOT_ACCEPTED, {"file": [reason]})


def _check_declared(media_type, declared_type):
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared in UNDECLARED or declared == media_type or DECLARED_ALIASES.get(declared) == media_type:
        return
    if declared in ZIP_TYPES and media_type in OOXML:
        return
    shown = ACCEPTED.get(DECLARED_ALIASES.get(declared, declared), declared)
    raise refused(f"Файл объявлен как {shown}, а по содержимому это {ACCEPTED[media_type]}")


def _office_document(data):
    """DOCX, XLSX or PPTX if ``data`` is a real OOXML package of that kind; refuses dangerous ones."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    names = {part.filename for part in parts}
    if "[Content_Types].xml" not in names:
        return None
    _check_package(archive, parts)
    return next((media_type for part, media_type in OOXML_PARTS.items() if part in names), None)


def _check_package(archive, parts):
    """Zip bombs, macros and programs inside are refused before anything reads the package further.

    Declared sizes are enough: Python's zipfile never returns more bytes of a part than its header
    declares, so a lying header cannot make a later reader unpack more than was checked here.
    """
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise refused("Документ распаковывается в слишком большой объём (похоже на zip-бомбу)")
    for part in parts:
        name = part.filename.lower()
        if name.endswith("vbaproject.bin") or PurePosixPath(name).suffix in MACRO_EXTENSIONS:
            raise refused("Документы с макросами не принимаются: сохраните файл без макросов (.docx, .xlsx, .pptx)")
        if PurePosixPath(name).suffix in EXECUTABLE_EXTENSIONS:
            raise refused("Внутри документа есть исполняемый файл")
    try:
        with archive.open("[Content_Types].xml") as content_types:
            declared = content_types.read(MAX_CONTENT_TYPES_BYTES).lower()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, zlib.error):
        raise refused("Документ Office повреждён") from None
    if b"macroenabled" in declared or b"vbaproject" in declared:
        raise refused("Документы с макросами не принимаются: сохраните файл без макросов (.docx, .xlsx, .pptx)")
