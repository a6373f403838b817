"""Issue 10 in the real browser and against running servers: hostile links and files render no
foreign link, uploads never touch the disk, a foreign Host gets no websocket, the Share tab says
when its link opens on this machine only."""

from __future__ import annotations

import base64
import os
import re
import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, serve, wait_for_app, open_tab
from test_hardening import HOSTILE_LINKS

pytestmark = pytest.mark.browser


def foreign_links(page, app_url: str) -> list[str]:
    """Every <a href> on the page that leaves the app, except the source links the app writes
    itself (catalog and data sources: they never come from a link or a file)."""
    own = urlsplit(app_url).netloc
    # HTML anchors and SVG ones (Plotly writes legend and title links as <a xlink:href> in SVG)
    hrefs = page.eval_on_selector_all("a", """els => els.map(e => {
        const raw = e.getAttribute('href') || e.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
        return raw === null ? null : new URL(raw, document.baseURI).href; }).filter(h => h !== null)""")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and parts.netloc == own:
            continue
        out.append(href)
    return out


@pytest.mark.parametrize("query", list(HOSTILE_LINKS))
def test_hostile_links_put_no_foreign_link_on_the_page(app_url, page, query):
    page.goto(f"{app_url}/?{query}")
    wait_for_app(page)
    page.get_by_test_id("stAlert").first.wait_for(timeout=30_000)  # the notice naming the value
    body = page.inner_text("body")
    assert "evil" in body or "x" in body
    assert foreign_links(page, app_url) == []
    assert page.locator("del, s, strike").count() == 0  # ~~x~~ is not struck through
    # __x__ is not bold (the recommended plan's own bold name may contain an x: "17Bx16E")
    assert page.locator("[data-testid='stAlert'] strong", has_text=re.compile(r"^\s*x\s*$")).count() == 0


def _upload(page, app_url: str, path: Path | dict, name_shown: str) -> None:
    """Upload a file (a path, or Playwright's {name, mimeType, buffer} for any file name)."""
    page.goto(app_url)
    wait_for_app(page)
    open_tab(page, "Import bills")
    page.get_by_test_id("stFileUploaderDropzoneInput").wait_for(state="attached", timeout=30_000)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path if isinstance(path, dict) else str(path))
    page.get_by_test_id("stAlert").filter(has_text=name_shown).first.wait_for(timeout=90_000)


def test_hostile_file_names_and_providers_render_as_text(app_url, page, tmp_path):
    name = "[click here](https://evil.example/login).csv"
    data = ("date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
                    '2025-01,"<a href=""https://evil.example"">x</a>",=HYPERLINK("https://evil.example"),'
                    "1000000,0,1000000,10\n"
                    '2025-02,"<a href=""https://evil.example"">x</a>",@SUM(A1),2000000,0,2000000,20\n')
    _upload(page, app_url, {"name": name, "mimeType": "text/csv", "buffer": data.encode()}, "click here")
    page.locator(".js-plotly-plot .legend").first.wait_for(timeout=60_000)
    assert foreign_links(page, app_url) == []
    legend = page.locator(".js-plotly-plot .legend").first.text_content()
    assert '<a href="https://evil.example">x</a>' in legend  # the provider, shown as typed


def test_an_upload_is_never_written_to_disk(browser, tmp_path):
    """A 5 MB upload to a running server, traced: no file is created for it. Before the fix,
    Starlette spooled every part above 1 MB to an unnamed file (O_TMPFILE) in TMPDIR."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace not installed (scripts/test.sh installs it)")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    trace = tmp_path / "trace"
    bill = tmp_path / "five_mb.csv"
    header = "date,provider,model,input_tokens,cached_input_tokens,output_tokens,cost_usd\n"
    row = "2025-01,openai,gpt-4o-mini,1000000,200000,300000,2.5\n"
    bill.write_text(header + row * ((5_000_096 - len(header)) // len(row)))
    assert bill.stat().st_size > 4_900_000
    server = serve(ROOT / "app.py", env={**os.environ, "TMPDIR": str(tmp)},
                   prefix=(strace, "-f", "-qq", "--seccomp-bpf", "-e", "trace=open,openat,openat2,creat",
                           "-o", str(trace)))
    url = next(server)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        _upload(context.new_page(), url, bill, "five_mb.csv")
    finally:
        context.close()
        server.close()
    created = [line for line in trace.read_text(errors="replace").splitlines()
               if ("O_TMPFILE" in line or "O_CREAT" in line) and (str(tmp) in line or '"/tmp' in line)]
    assert created == [], created[:5]
    assert not any(tmp.iterdir())


def _websocket_status(url: str, host: str) -> int:
    """The HTTP status of a websocket handshake to Streamlit's stream with this Host header."""
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: http://{host}\r\n\r\n")
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as s:
        s.sendall(request.encode())
        head = s.recv(4096).decode(errors="replace")
    match = re.match(r"HTTP/1\.[01] (\d{3})", head)
    assert match, head
    return int(match.group(1))


def test_a_foreign_host_gets_no_websocket(app_url):
    port = urlsplit(app_url).port
    assert _websocket_status(app_url, f"127.0.0.1:{port}") == 101
    assert _websocket_status(app_url, f"localhost:{port}") == 101
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}"):
        assert _websocket_status(app_url, host) != 101, host


def test_the_share_tab_says_a_loopback_link_opens_on_this_machine_only(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    open_tab(page, "Share & report")
    note = page.get_by_test_id("stAlert").filter(has_text="opens only on this computer")
    note.first.wait_for(timeout=30_000)
    assert "Sharing with colleagues" in note.first.inner_text()


def test_the_team_setup_puts_the_lan_name_into_links(page):
    """Served as the README's team command says, with a name for colleagues: links carry it."""
    server = serve(ROOT / "app.py", args=("--browser.serverAddress", "tco.lan.example",
                                          "--server.allowedHosts", "127.0.0.1"))
    url = next(server)
    try:
        page.goto(url)
        wait_for_app(page)
        open_tab(page, "Share & report")
        code = page.get_by_test_id("stCode").first
        code.wait_for(timeout=30_000)
        assert code.inner_text().startswith(f"http://tco.lan.example:{urlsplit(url).port}/?v=1")
        assert page.get_by_test_id("stAlert").filter(has_text="opens only on this computer").count() == 0
    finally:
        server.close()
