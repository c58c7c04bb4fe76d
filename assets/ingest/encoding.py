"""A CSV's encoding (UTF-8, UTF-8 with BOM or GBK) from its first bytes, and a UTF-8 copy made in chunks (constant
memory) whose decoding error names the line of the first bad byte."""

from __future__ import annotations

import codecs
from pathlib import Path

from assets.ingest.errors import BadFileError

SAMPLE_BYTES = 1 << 16
CHUNK_BYTES = 1 << 20


def detect_encoding(path: Path) -> str:
    """'utf-8-sig', 'utf-8' or 'gb18030' (a superset of GBK), from the first 64 KiB; BadFileError otherwise."""
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in sample:
        raise BadFileError(path, "binary or UTF-16 content; expected a CSV in UTF-8 or GBK")
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise BadFileError(path, "unreadable encoding: neither UTF-8 nor GBK")


def utf8_copy(path: Path, encoding: str, tmp_dir: str) -> Path:
    """Transcode to UTF-8 in chunks (constant memory); a bad byte later in the file names its line."""
    target = Path(tmp_dir) / "utf8.csv"
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 1
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        if encoding == "utf-8-sig":  # strip the BOM here so that error offsets stay offsets in the file
            src.seek(len(codecs.BOM_UTF8))
            decoder = codecs.getincrementaldecoder("utf-8")()
        while chunk := src.read(CHUNK_BYTES):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                line += chunk[: exc.start].count(b"\n")
                raise BadFileError(path, f"unreadable encoding: invalid {encoding} bytes", row=line) from None
            line += text.count("\n")
            dst.write(text)
        dst.write(decoder.decode(b"", final=True))
    return target
