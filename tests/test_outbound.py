"""Nothing leaves the machine: every request the browser makes and every connection or name lookup
the server process attempts, across all pages, both languages, an upload and downloads, and a
WebSocket handshake from a foreign Origin (which made Streamlit ask an IP-echo service)."""

from __future__ import annotations

import http.client
import textwrap
from urllib.parse import urlparse

import pytest

from .conftest import SAMPLES, require_binary
from .test_browser import CHROMIUM_ARGS, streamlit_server

pytestmark = pytest.mark.browser

# Loaded by the server's Python at start-up (PYTHONPATH): an audit hook that writes every socket
# connect, send and name lookup whose address is not this machine's loopback to OUTBOUND_LOG.
SITECUSTOMIZE = textwrap.dedent(
    '''
    import os, sys

    _LOG = os.environ["OUTBOUND_LOG"]
    def _local(host):
        host = host.decode() if isinstance(host, bytes) else host
        return host in (None, "", "localhost", "::1", "::", "0.0.0.0") or str(host).startswith("127.")

    def _hook(event, args):
        if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
            address = args[1] if len(args) > 1 else None
            if isinstance(address, tuple) and not _local(address[0]):
                _write(event, address)
        elif event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                       "socket.gethostbyaddr", "socket.getnameinfo"):
            host = args[0][0] if event == "socket.getnameinfo" else args[0]
            if not _local(host):
                _write(event, host)

    def _write(event, detail):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{event} {detail!r}\\n")

    sys.addaudithook(_hook)
    '''
)


def _handshake(server: str, origin: str) -> int:
    address = urlparse(server)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request("GET", "/_stcore/stream", headers={
        "Host": address.netloc, "Origin": origin, "Connection": "Upgrade", "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    })
    status = connection.getresponse().status
    connection.close()
    return status


def test_nothing_leaves_the_machine_from_the_browser_or_the_server(tmp_path):
    chromium = require_binary("chromium")
    from playwright.sync_api import sync_playwright

    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "outbound.log"
    log.write_text("", encoding="utf-8")
    env = {"PYTHONPATH": str(hooks), "OUTBOUND_LOG": str(log)}
    requests, sockets, violations = [], [], []
    with streamlit_server(env) as server, sync_playwright() as playwright:
        # A foreign Origin, and localhost on another port, are refused before Streamlit's own check
        # (which asked an IP-echo service for this machine's address); the log below shows no lookup.
        assert _handshake(server, "http://evil.example") == 403
        assert _handshake(server, f"http://localhost:{urlparse(server).port + 1}") == 403
        assert _handshake(server, server) == 101

        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.on("websocket", lambda ws: sockets.append(ws.url))
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(server)
        page.get_by_role("heading", name="Screen one person").wait_for()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download screening record (PDF)").click()
        assert download.value.failure() is None
        page.get_by_role("link", name="About the rules").click()
        page.get_by_role("heading", name="About the rules").wait_for()
        page.get_by_role("link", name="Batch check a spreadsheet").click()
        page.get_by_role("heading", name="Batch check a spreadsheet").wait_for()
        upload = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
        upload.set_input_files(str(SAMPLES / "clean_sample.csv"))
        page.get_by_role("button", name="Screen these rows").click()
        page.get_by_role("heading", name="Results for 12 rows").wait_for()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download report (XLSX)").click()
        assert download.value.failure() is None
        language = page.locator('[data-testid="stRadio"]').filter(has_text="Language / Idioma")
        language.get_by_text("Español", exact=True).click()
        page.get_by_role("heading", name="Revisar una hoja de cálculo").wait_for()
        for name in ("Sobre las reglas", "Evaluar a una persona"):
            page.get_by_role("link", name=name).click()
            page.get_by_role("heading", name=name).wait_for()
        page.wait_for_timeout(1500)
        context.close()
        browser.close()
        assert _handshake(server, "http://evil.example") == 403
    origin = server.rstrip("/")
    leaving = [u for u in requests if not u.startswith((origin + "/", "data:", "blob:"))]
    leaving += [u for u in sockets if not u.startswith(origin.replace("http", "ws", 1) + "/")]
    print(f"\n[outbound] browser: {len(requests)} requests, {len(sockets)} WebSocket(s), all to {origin}")
    assert requests and sockets and not leaving, leaving
    assert not violations, violations
    attempted = log.read_text(encoding="utf-8")
    assert attempted == "", f"the server tried to reach beyond this machine:\n{attempted}"
