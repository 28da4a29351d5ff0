"""deploy/nginx.conf, as shipped, in front of a real `streamlit run app.py`: TLS, basic auth, the
Host allow-list, X-Frame-Options/CSP, no-store on downloads, and the WebSocket through the proxy.

The site file is copied with only its name, ports and paths substituted; nginx runs from a
temporary prefix (its own pid, logs and temp folders) and is stopped by its PID.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .conftest import ROOT, require_binary
from .test_browser import CHROMIUM_ARGS, _free_port, streamlit_server

pytestmark = pytest.mark.browser
NAME = "screening.test"
USER, PASSWORD = "staff", "correct horse battery staple"


class Proxy:
    def __init__(self, https: int, http: int, folder: Path) -> None:
        self.https, self.http, self.folder = https, http, folder
        self.context = ssl.create_default_context(cafile=str(folder / "site.crt"))

    def request(self, path: str = "/", *, host: str = NAME, sni: str = NAME,
                auth: tuple[str, str] | None = (USER, PASSWORD), method: str = "GET") -> http.client.HTTPResponse:
        import base64

        raw = socket.create_connection(("127.0.0.1", self.https), timeout=10)
        connection = http.client.HTTPSConnection(NAME, self.https, context=self.context, timeout=10)
        connection.sock = self.context.wrap_socket(raw, server_hostname=sni)
        headers = {"Host": f"{host}:{self.https}"}
        if auth:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[Proxy]:
    nginx, openssl = require_binary("nginx"), require_binary("openssl")
    folder = tmp_path_factory.mktemp("nginx")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={NAME}",
                    "-addext", f"subjectAltName=DNS:{NAME}", "-keyout", str(folder / "site.key"),
                    "-out", str(folder / "site.crt")], check=True, capture_output=True)
    hashed = subprocess.run([openssl, "passwd", "-6", "-stdin"], input=PASSWORD, text=True, check=True,
                            capture_output=True).stdout.strip()
    (folder / "htpasswd").write_text(f"{USER}:{hashed}\n", encoding="utf-8")
    https, plain = _free_port(), _free_port()
    with streamlit_server(args=(f"--server.allowedHosts={NAME}", "--server.allowedHosts=127.0.0.1",
                                "--server.allowedHosts=localhost")) as app:
        site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
        for old, new in (("screening.example.org", NAME), ("listen 443", f"listen 127.0.0.1:{https}"),
                         ("listen 80", f"listen 127.0.0.1:{plain}"),
                         ("/etc/ssl/screening.crt", str(folder / "site.crt")),
                         ("/etc/ssl/screening.key", str(folder / "site.key")),
                         ("/etc/nginx/screening.htpasswd", str(folder / "htpasswd")),
                         ("http://127.0.0.1:8501", app)):
            assert old in site, old
            site = site.replace(old, new)
        (folder / "site.conf").write_text(site, encoding="utf-8")
        kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        temp = "\n".join(f"    {kind}_temp_path {folder / kind};" for kind in kinds)
        (folder / "nginx.conf").write_text(
            # Workers read the password file from pytest's private temp folder: as root, stay root.
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\nevents {{}}\n"
            f"http {{\n{temp}\n    access_log off;\n    include {folder / 'site.conf'};\n}}\n", encoding="utf-8")
        process = subprocess.Popen([nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    socket.create_connection(("127.0.0.1", https), timeout=1).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log = folder / "error.log"
                        raise RuntimeError(f"nginx did not start: {log.read_text() if log.exists() else ''}") from None
                    time.sleep(0.2)
            yield Proxy(https, plain, folder)
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_the_proxy_asks_for_a_password(proxy):
    assert proxy.request(auth=None).status == 401
    assert proxy.request(auth=(USER, "wrong")).status == 401
    assert proxy.request().status == 200


def test_the_proxy_answers_only_the_apps_name(proxy):
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        proxy.request(host="evil.example")  # right certificate, foreign Host: dropped without an answer
    with pytest.raises(ssl.SSLError):
        proxy.request(sni="evil.example")  # a TLS hello for another name is refused
    plain = http.client.HTTPConnection("127.0.0.1", proxy.http, timeout=10)
    plain.request("GET", "/", headers={"Host": NAME})
    redirect = plain.getresponse()
    assert redirect.status == 301 and redirect.getheader("location", "").startswith(f"https://{NAME}")


def test_every_answer_forbids_framing_and_caching(proxy):
    for path in ("/", "/batch", "/_stcore/health", "/media/" + "0" * 64 + ".csv"):
        response = proxy.request(path)
        assert response.status in (200, 404), path
        assert response.headers.get_all("x-frame-options") == ["DENY"], path
        policies = response.headers.get_all("content-security-policy")
        assert policies and all("frame-ancestors 'none'" in p for p in policies), path
        assert response.getheader("cache-control") == "no-store", path
        assert response.getheader("strict-transport-security"), path
        assert response.getheader("server") in (None, "nginx"), path


def test_the_app_works_through_the_proxy_and_its_downloads_are_no_store(proxy, tmp_path):
    """A browser logs in through the proxy, the WebSocket connects, a PDF downloads; the download's
    response carries no-store once and DENY once."""
    chromium = require_binary("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True,
            args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {NAME} 127.0.0.1"],
        )
        context = browser.new_context(http_credentials={"username": USER, "password": PASSWORD},
                                      ignore_https_errors=True, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"https://{NAME}:{proxy.https}/")
        page.get_by_role("heading", name="Screen one person").wait_for()  # drawn over the WebSocket
        media = lambda r: urlsplit(r.url).path.startswith("/media/") and r.status == 200  # noqa: E731
        with page.expect_response(media) as served, page.expect_download() as download:
            page.get_by_role("button", name="Download screening record (PDF)").click()
        path = tmp_path / "record.pdf"
        download.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF")
        headers = served.value.headers_array()
        assert [h["value"] for h in headers if h["name"].lower() == "cache-control"] == ["no-store"]
        assert [h["value"] for h in headers if h["name"].lower() == "x-frame-options"] == ["DENY"]
        cookies = {c["name"]: c for c in context.cookies()}
        assert cookies["screening_browser"]["secure"] and cookies["screening_browser"]["httpOnly"]
        context.close()
        browser.close()
    assert os.path.exists(proxy.folder / "nginx.pid")
