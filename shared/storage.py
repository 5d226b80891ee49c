"""Where uploaded files live: a small interface, and the embedded content-addressed implementation.

Files are named by the SHA-256 of their bytes, so the same file uploaded twice is stored once and a
name can never point at changed content. An S3-compatible store replaces ``LocalFileStore`` by
implementing the same three methods (``put``, ``get``, ``exists``) on a bucket.
"""
import hashlib
import os
import tempfile
from pathlib import Path


class FileStore:
    """What the network needs of a file store."""

    def put(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256 hex digest, the file's name from then on."""
        raise NotImplementedError

    def get(self, digest: str) -> bytes:
        """The bytes stored under ``digest``; FileNotFoundError if there are none."""
        raise NotImplementedError

    def exists(self, digest: str) -> bool:
        raise NotImplementedError


class LocalFileStore(FileStore):
    """Files under ``root/ab/abcdef…``, written atomically (a temporary file, then a rename)."""

    def __init__(self, root):
        self.root = Path(root)

    def _path(self, digest):
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise FileNotFoundError(digest)
        return self.root / digest[:2] / digest

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
                temporary.write(data)
            os.replace(temporary.name, path)
        return digest

    def get(self, digest):
        return self._path(digest).read_bytes()

    def exists(self, digest):
        try:
            return self._path(digest).exists()
        except FileNotFoundError:
            return False


def file_store(config):
    return LocalFileStore(config.get("FILE_STORE_DIR") or Path(config.get("VAR_DIR") or "var") / "files")
