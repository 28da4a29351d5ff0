"""The per-session media store (eligibility.ui.downloads) on its own: names, owners, lifetimes.

The browser tests (test_isolation.py) drive the same store through a real server; these pin the
rules it follows, including the collision it exists to prevent.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from streamlit.runtime import media_file_manager as st_media_file_manager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage, _calculate_file_id

from eligibility.ui import downloads

MIB = 1024 * 1024


def twin_reports(size: int = 7 * MIB) -> tuple[bytes, bytes]:
    """Two CSV-like payloads of one length that differ only between Streamlit's sampled blocks."""
    line = b"R000001,Alfa Aislamiento,A012345678,likely_member\n"
    base = bytearray((line * (size // len(line) + 1))[:size])
    first, second = bytearray(base), bytearray(base)
    spot = 200 * 1024  # after the 64 KiB head, long before the middle block
    first[spot : spot + 5], second[spot : spot + 5] = b"Alfa ", b"Beto "
    return bytes(first), bytes(second)


@pytest.fixture
def manager(monkeypatch):
    """A fresh Streamlit media manager with the per-session store, in a session chosen by ``session()``."""
    current = {"id": "session-a"}
    context = lambda suppress_warning=False: SimpleNamespace(session_id=current["id"])  # noqa: E731
    monkeypatch.setattr(downloads, "get_script_run_ctx", context)
    monkeypatch.setattr(st_media_file_manager, "_get_session_id", lambda: current["id"])
    mgr = downloads.SessionMediaFileManager.adopt(MediaFileManager(MemoryMediaFileStorage("/media")))
    mgr.session = lambda session_id: current.__setitem__("id", session_id)  # type: ignore[attr-defined]
    return mgr


def _bytes(mgr: downloads.SessionMediaFileManager, url: str) -> bytes:
    return mgr.storage.get_file(url.rsplit("/", 1)[1]).content


def test_streamlit_alone_gives_two_such_reports_one_name():
    """The flaw: Streamlit's own fingerprint of the two reports is the same, so the first stored wins."""
    first, second = twin_reports()
    assert first != second and len(first) == len(second)
    assert _calculate_file_id(first, "text/csv", "export-screening.csv") == _calculate_file_id(
        second, "text/csv", "export-screening.csv"
    )


def test_two_sessions_downloading_such_reports_each_get_their_own_bytes(manager):
    """Same name, same length, same sampled blocks: each session's click gets its own file and bytes."""
    first, second = twin_reports()
    urls = {}
    for session_id, data in (("session-a", first), ("session-b", second)):
        manager.session(session_id)
        placeholder = manager.add_deferred(lambda data=data: data, "text/csv", "1.2.3", "export-screening.csv")
        urls[session_id] = manager.execute_deferred(placeholder)
    assert urls["session-a"] != urls["session-b"]
    assert _bytes(manager, urls["session-a"]) == first
    assert _bytes(manager, urls["session-b"]) == second
    for session_id, url in urls.items():
        owner = manager.storage.owner(url.rsplit("/", 1)[1].split(".")[0])
        assert owner is not None and owner.session_id == session_id and owner.deadline is not None


def test_a_download_gets_a_new_unguessable_name_on_every_click(manager):
    data = b"client list"
    placeholder = manager.add_deferred(lambda: data, "text/csv", "1.2.3", "a.csv")
    names = {manager.execute_deferred(placeholder) for _ in range(3)}
    assert len(names) == 3
    assert all(len(n.rsplit("/", 1)[1].split(".")[0]) == 64 for n in names)  # 256 random bits, hex


def test_an_image_keeps_its_name_within_a_session_and_differs_across_sessions(manager):
    """Media files are named by a keyed hash of the session and every byte, so reruns reuse them."""
    image = b"\x89PNG" + bytes(range(256)) * 8000  # over 1 MiB
    changed = image[:300_000] + b"X" + image[300_001:]  # same length, same samples
    manager.session("session-a")
    first = manager.add(image, "image/png", "1.1")
    assert manager.add(image, "image/png", "1.1") == first
    assert manager.add(changed, "image/png", "1.2") != first
    manager.session("session-b")
    other = manager.add(image, "image/png", "1.1")
    assert other != first
    assert manager.storage.owner(other.rsplit("/", 1)[1].split(".")[0]).session_id == "session-b"


def test_a_click_built_download_expires_soon_after_it_is_served_or_if_it_never_is(manager):
    now = time.monotonic()
    placeholder = manager.add_deferred(lambda: b"x", "text/csv", "1.2.3", "a.csv")
    kept = manager.execute_deferred(placeholder).rsplit("/", 1)[1].split(".")[0]
    served = manager.execute_deferred(placeholder).rsplit("/", 1)[1].split(".")[0]
    manager.storage.owner(served).served(now)
    connected = lambda session_id: True  # noqa: E731
    assert manager.sweep(connected, now + 1) == 0
    assert manager.sweep(connected, now + downloads.AFTER_FETCH_SECONDS + 1) == 1
    assert manager.storage.owner(served) is None and manager.storage.owner(kept) is not None
    assert manager.sweep(connected, now + downloads.UNFETCHED_SECONDS + 1) == 1
    assert manager.storage.file_ids() == []


def test_files_of_a_session_that_is_gone_are_dropped(manager):
    manager.session("session-a")
    mine = manager.add(b"image a", "image/png", "1.1", is_for_static_download=False)
    manager.session("session-b")
    theirs = manager.add(b"report b", "text/csv", "1.1", file_name="b.csv", is_for_static_download=True)
    assert manager.sweep(lambda session_id: session_id == "session-a") == 1
    assert manager.storage.owner(mine.rsplit("/", 1)[1].split(".")[0]) is not None
    assert manager.storage.owner(theirs.rsplit("/", 1)[1].split(".")[0]) is None
    with pytest.raises(Exception, match="No media file"):
        manager.storage.get_file(theirs.rsplit("/", 1)[1])


def test_only_streamlits_own_classes_are_adopted():
    class Other(MemoryMediaFileStorage):
        pass

    with pytest.raises(TypeError):
        downloads.SessionMediaFileManager.adopt(MediaFileManager(Other("/media")))
