"""Files the server hands a browser (every download button, image or other media file): each
belongs to one session, has a name no one can guess or compute, and lives only briefly.

Streamlit keeps these files in one store for the whole process, keyed by a fingerprint that,
for files over 1 MiB, covers only the length, the name, the MIME type and three sampled 64 KiB
blocks, and the first file stored under a fingerprint wins. Two sessions whose reports share a
name and a length and differ only between the samples therefore received the same URL, with the
first session's clients in it. This module replaces the store's identity and lifetime for the
whole server (``install``), so every present and future ``st.download_button`` is covered:

- a download gets a fresh random name (256 bits) each time it is built; any other media file is
  named by a keyed hash (HMAC-SHA256) of its session, MIME type, file name and all of its bytes;
- every file records its owning session; ``Guard`` in ``server.py`` serves it only to a request
  that carries the browser cookie of that session's connection, while the session is connected;
- a download built on a click (``data=callable``) expires ``AFTER_FETCH_SECONDS`` after it was first
  served (the frontend fetches it twice at once: a check and the download) or ``UNFETCHED_SECONDS``
  after it was built if it never was;
- a file whose session has disconnected is dropped within ``SWEEP_SECONDS``.

Nothing is written to disk; the bytes are freed when a file is dropped.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileKind
from streamlit.runtime.memory_media_file_storage import MemoryFile, MemoryMediaFileStorage
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

UNFETCHED_SECONDS = 30.0  # a download built on a click must be fetched within this...
AFTER_FETCH_SECONDS = 5.0  # ...and is dropped this long after it was first served in full
SWEEP_SECONDS = 5.0  # how often files of disconnected sessions and stale downloads are dropped

# The session whose download callable is running (set around Streamlit's execute_deferred, which
# runs on a worker thread with no script context).
_building_for: contextvars.ContextVar[str | None] = contextvars.ContextVar("building_for", default=None)


@dataclass(slots=True)
class Owner:
    """Who may fetch a stored file, and until when (``deadline``: monotonic seconds, or None while
    the session shows it)."""

    session_id: str | None
    deadline: float | None

    def stale(self, now: float) -> bool:
        return self.deadline is not None and now > self.deadline

    def served(self, now: float) -> None:
        """The file went out in full once: a click-built download is dropped soon after."""
        if self.deadline is not None:
            self.deadline = min(self.deadline, now + AFTER_FETCH_SECONDS)


class SessionMediaFileStorage(MemoryMediaFileStorage):
    """Streamlit's in-memory media store with per-session, unguessable file names."""

    _owners: dict[str, Owner]
    _owners_lock: threading.Lock
    _key: bytes

    @classmethod
    def adopt(cls, storage: MemoryMediaFileStorage) -> SessionMediaFileStorage:
        """Turn Streamlit's running store into this class (the server's routes already hold it)."""
        if not isinstance(storage, cls):
            if type(storage) is not MemoryMediaFileStorage:
                raise TypeError(f"unexpected media storage {type(storage).__name__}")
            storage.__class__ = cls
            storage._setup()
        return storage

    def _setup(self) -> None:
        self._owners = {}
        self._owners_lock = threading.Lock()
        self._key = secrets.token_bytes(32)  # per process: names cannot be computed from content
        self._files_by_id.clear()  # nothing is stored before the first session; start clean anyway

    def load_and_get_id(
        self, path_or_data: str | bytes, mimetype: str, kind: MediaFileKind, filename: str | None = None
    ) -> str:
        data = self._read_file(path_or_data) if isinstance(path_or_data, str) else path_or_data
        building_for = _building_for.get()
        ctx = get_script_run_ctx(suppress_warning=True)
        session_id = building_for or (ctx.session_id if ctx is not None else None)
        if kind == MediaFileKind.DOWNLOADABLE or session_id is None:
            file_id = secrets.token_hex(32)
        else:  # an image or icon drawn again on a rerun keeps its name within its session
            digest = hmac.new(self._key, digestmod=hashlib.sha256)
            for part in (session_id, mimetype, filename or ""):
                digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
            digest.update(hashlib.sha256(data).digest())
            file_id = digest.hexdigest()
        with self._owners_lock:
            if file_id not in self._files_by_id:
                self._files_by_id[file_id] = MemoryFile(content=data, mimetype=mimetype, kind=kind, filename=filename)
                deadline = time.monotonic() + UNFETCHED_SECONDS if building_for is not None else None
                self._owners[file_id] = Owner(session_id, deadline)
        return file_id

    def delete_file(self, file_id: str) -> None:
        with self._owners_lock:
            self._files_by_id.pop(file_id, None)
            self._owners.pop(file_id, None)

    def owner(self, file_id: str) -> Owner | None:
        """The owner of a stored file, or None if there is no such file."""
        return self._owners.get(file_id)

    def file_ids(self) -> list[str]:
        with self._owners_lock:
            return list(self._owners)


class SessionMediaFileManager(MediaFileManager):
    """Streamlit's media manager, telling the store which session a click-built download is for."""

    _storage: SessionMediaFileStorage

    @classmethod
    def adopt(cls, manager: MediaFileManager) -> SessionMediaFileManager:
        if not isinstance(manager, cls):
            if type(manager) is not MediaFileManager:
                raise TypeError(f"unexpected media manager {type(manager).__name__}")
            SessionMediaFileStorage.adopt(manager._storage)  # type: ignore[arg-type]
            manager.__class__ = cls
        return manager  # type: ignore[return-value]

    def execute_deferred(self, file_id: str) -> str:
        with self._lock:
            entry = self._deferred_callables.get(file_id)
        token = _building_for.set(entry["session_id"] if entry else None)
        try:
            return super().execute_deferred(file_id)
        finally:
            _building_for.reset(token)

    @property
    def storage(self) -> SessionMediaFileStorage:
        return self._storage

    def drop(self, file_id: str) -> None:
        """Forget a file now: its bytes and Streamlit's record of it."""
        with self._lock:
            self._storage.delete_file(file_id)
            self._file_metadata.pop(file_id, None)

    def sweep(self, connected: Callable[[str], bool], now: float | None = None) -> int:
        """Drop stale click-built downloads and the files of sessions that are gone; return how many."""
        now = time.monotonic() if now is None else now
        dropped = 0
        for file_id in self._storage.file_ids():
            owner = self._storage.owner(file_id)
            if owner is not None and (owner.stale(now) or owner.session_id is None or not connected(owner.session_id)):
                self.drop(file_id)
                dropped += 1
        return dropped


def install(runtime: Any) -> SessionMediaFileManager:
    """Give the running server per-session media files (called once, before it serves anyone)."""
    return SessionMediaFileManager.adopt(runtime.media_file_mgr)

