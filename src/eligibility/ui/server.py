"""The web server: Streamlit's own server (``st.App``, started by ``streamlit run app.py``) with
this project's guards in front of it. Nothing here touches client data.

``Guard`` (ASGI middleware) sees every HTTP request and WebSocket handshake before Streamlit does:

- refuses a Host header outside ``server.allowedHosts`` on every request (Streamlit checks only
  the WebSocket), and a WebSocket or cross-origin request whose Origin is not exactly this
  server's (Streamlit accepts ``http://localhost`` on any port and, for an unknown Origin, asks
  an outside IP-echo service for the machine's address);
- adds to every response: ``X-Frame-Options: DENY`` and a Content-Security-Policy that forbids
  framing and any request to another origin (so an image or link that slipped into the page
  could not reach anyone), ``Referrer-Policy: no-referrer``, ``nosniff``, ``Cache-Control:
  no-store`` (static assets apart: they hold no client data);
- gives each browser an HttpOnly cookie and serves a media file (a download, an image) only to
  the browser whose session stored it, only while that session is connected, a click-built
  download only once (see ``downloads``).

``lifespan`` installs the per-session media store, the upload-name guard and the sweeper before
the server answers its first request.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import streamlit
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartParser
from starlette.middleware import Middleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit import config, net_util
from streamlit import runtime as st_runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.web.server.starlette.starlette_websocket import is_host_allowed

from . import downloads

COOKIE = "screening_browser"  # random per browser; ties a media URL to the browser that asked for it
NUL_REPLACEMENT = "\ufffd"  # a NUL in an uploaded file's name becomes this; the page refuses such names
_STATIC_PREFIX = "/static/"  # Streamlit's hashed JS/CSS/font bundles: public, cacheable, no client data


def _inline_script_hashes() -> list[str]:
    """CSP hashes of the inline scripts in Streamlit's index.html (one sets ``prerenderReady``)."""
    index = Path(streamlit.__file__).parent / "static" / "index.html"
    scripts = re.findall(r"<script>(.*?)</script>", index.read_text(encoding="utf-8"), flags=re.S)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts]


def content_security_policy() -> str:
    """Everything from this server only; no framing; no plugin, base or form targets elsewhere."""
    return "; ".join(
        [
            "default-src 'self'",
            # Vega (st.bar_chart) compiles its expressions with Function(); nothing else is evaluated.
            f"script-src 'self' 'unsafe-eval' {' '.join(_inline_script_hashes())}",
            "style-src 'self' 'unsafe-inline'",  # the frontend's CSS-in-JS
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self' data: blob:",
            "worker-src 'self' blob:",
            "frame-src 'none'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers() -> list[tuple[bytes, bytes]]:
    return [
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", content_security_policy().encode()),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"cross-origin-resource-policy", b"same-origin"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ]


def _base_path() -> str:
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def _same_origin(origin: str, host: str | None) -> bool:
    """True if ``origin`` is this server as the browser reached it (host and port), or is listed
    in ``server.corsAllowedOrigins`` exactly. ``localhost`` on another port is another origin."""
    if origin in {o.strip() for o in config.get_option("server.corsAllowedOrigins") or []}:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and host is not None and parts.netloc == host


def _cookie(headers: Headers) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel is not None and morsel.value else None


def _session_cookie(session_id: str | None) -> str | None:
    """The browser cookie the session's WebSocket handshake carried, if the session is connected."""
    if session_id is None or not st_runtime.exists():
        return None
    client = st_runtime.get_instance().get_client(session_id)
    context = getattr(client, "client_context", None) if client is not None else None
    return context.cookies.get(COOKIE) if context is not None else None


def _manager() -> downloads.SessionMediaFileManager | None:
    if not st_runtime.exists():
        return None
    manager = st_runtime.get_instance().media_file_mgr
    return manager if isinstance(manager, downloads.SessionMediaFileManager) else None


class Guard:
    """ASGI middleware in front of every Streamlit route (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = security_headers()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        host, origin = headers.get("host"), headers.get("origin")
        if not is_host_allowed(host) or (origin is not None and not _same_origin(origin, host)):
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})  # before accept: the server answers 403
            return
        await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        host, origin = headers.get("host"), headers.get("origin")
        path: str = scope.get("path", "")
        browser = _cookie(headers)
        new_cookie = None if browser else secrets.token_urlsafe(32)
        secure = scope.get("scheme") == "https" or headers.get("x-forwarded-proto", "").lower() == "https"
        static = path.startswith(_base_path() + _STATIC_PREFIX)

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                drop = {b"x-frame-options", b"content-security-policy", b"referrer-policy", b"x-content-type-options",
                        b"cross-origin-opener-policy", b"cross-origin-resource-policy", b"permissions-policy"}
                if not static:
                    drop.add(b"cache-control")
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in drop]
                kept += self.headers
                if not static:
                    kept.append((b"cache-control", b"no-store"))
                if new_cookie:
                    attributes = f"{COOKIE}={new_cookie}; Path={_base_path() or '/'}; HttpOnly; SameSite=Lax"
                    kept.append((b"set-cookie", (attributes + ("; Secure" if secure else "")).encode()))
                message = {**message, "headers": kept}
            await send(message)

        if not is_host_allowed(host) or (origin is not None and not _same_origin(origin, host)):
            await Response(status_code=403)(scope, receive, send_guarded)
            return
        media = _base_path() + "/media/"
        if path.startswith(media):
            await self._media(path[len(media):], scope, headers, browser, receive, send_guarded)
            return
        await self.app(scope, receive, send_guarded)

    async def _media(self, name: str, scope: Scope, headers: Headers, browser: str | None, receive: Receive,
                     send: Send) -> None:
        """Serve a stored file only to the browser of the session that stored it, while it is fresh."""
        manager = _manager()
        file_id = name.split("/", 1)[0].split(".", 1)[0]
        owner = manager.storage.owner(file_id) if manager is not None else None
        expected = _session_cookie(owner.session_id) if owner is not None else None
        fetch_site = headers.get("sec-fetch-site")
        allowed = (
            manager is not None and owner is not None and not owner.stale(time.monotonic())
            and expected is not None and browser is not None
            and hmac.compare_digest(expected.encode(), browser.encode())
            and fetch_site in (None, "same-origin", "none")
        )
        if not allowed:
            await Response(status_code=404)(scope, receive, send)
            return
        status = 0

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False) and status == 200:
                owner.served(time.monotonic())
                if owner.deadline is not None:
                    asyncio.get_running_loop().call_later(downloads.AFTER_FETCH_SECONDS + 0.1, _drop_if_stale, file_id)

        await self.app(scope, receive, send_counted)


def _drop_if_stale(file_id: str) -> None:
    manager = _manager()
    owner = manager.storage.owner(file_id) if manager is not None else None
    if owner is not None and owner.stale(time.monotonic()):
        manager.drop(file_id)


class NulSafeUploadedFileManager(MemoryUploadedFileManager):
    """Streamlit's upload store, with a NUL in a file's name replaced by U+FFFD.

    Streamlit refuses a NUL in an uploaded file's name by raising before the page runs, which
    shows its generic error box and leaves the session stuck with the file; with the NUL replaced,
    the page gets the file and answers with one plain sentence (``ui.batch.bad_file_name``).
    """

    @classmethod
    def adopt(cls, manager: MemoryUploadedFileManager) -> NulSafeUploadedFileManager:
        if not isinstance(manager, cls):
            if type(manager) is not MemoryUploadedFileManager:
                raise TypeError(f"unexpected upload manager {type(manager).__name__}")
            manager.__class__ = cls
        return manager  # type: ignore[return-value]

    def add_file(self, session_id: str, file: UploadedFileRec) -> None:
        if "\0" in file.name:
            file = file._replace(name=file.name.replace("\0", NUL_REPLACEMENT))
        super().add_file(session_id, file)


def no_address_lookups() -> None:
    """Never ask the network for this machine's addresses.

    Streamlit looks up the machine's external address (an HTTP request to an IP-echo service) and
    its LAN address (a UDP connect towards a public resolver) to widen its Origin allow-list, and
    to print "Network URL"/"External URL" when bound to every interface. It caches the answers
    in ``net_util``; giving it the loopback answer up front means it never asks. ``Guard`` also
    refuses foreign Origins before Streamlit's check runs.
    """
    net_util._external_ip = "127.0.0.1"
    net_util._internal_ip = "127.0.0.1"


def _uploads_in_memory() -> None:
    """Keep an upload in memory while it is parsed (Starlette spools parts over 1 MB to a temp file)."""
    limit = int(config.get_option("server.maxUploadSize")) * 1024 * 1024
    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size, limit + 1024 * 1024)


async def _sweep(manager: downloads.SessionMediaFileManager) -> None:
    runtime = st_runtime.get_instance()
    while True:
        await asyncio.sleep(downloads.SWEEP_SECONDS)
        manager.sweep(lambda session_id: runtime.get_client(session_id) is not None)


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """Install the guards on the running Streamlit runtime before it serves anyone."""
    runtime = st_runtime.get_instance()
    manager = downloads.install(runtime)
    NulSafeUploadedFileManager.adopt(runtime.uploaded_file_mgr)
    _uploads_in_memory()
    no_address_lookups()
    sweeper = asyncio.create_task(_sweep(manager), name="media-sweeper")
    try:
        yield
    finally:
        sweeper.cancel()


def middleware() -> list[Middleware]:
    """The middleware ``app.py`` gives ``st.App`` (it runs before Streamlit's own)."""
    no_address_lookups()  # as early as possible: before uvicorn starts and prints its URL
    return [Middleware(Guard)]
