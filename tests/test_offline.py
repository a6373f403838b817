"""Nothing leaves the machine (issue 10): the PDF step's Chromium looks up no host and reaches no
address but loopback (traced with strace); uploads stay in memory; the team set-up (README, the
Dockerfile) keeps the privacy settings of .streamlit/config.toml."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from chromium import require_chromium

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())

#: A syscall naming an IPv4/IPv6 address, as strace writes it.
_ADDRESS = re.compile(r'inet_(?:addr|pton)\((?:AF_INET6?, )?"([^"]+)"')
_PORT = re.compile(r"sin6?_port=htons\((\d+)\)")


def _loopback(address: str) -> bool:
    import ipaddress
    return ipaddress.ip_address(address).is_loopback or ipaddress.ip_address(address).is_unspecified


def network_attempts(trace_dir: Path) -> tuple[list[str], list[str]]:
    """(lookups, connections) in an ``strace -ff -e trace=network`` output: every syscall that
    addresses port 53, and every connect/send to a non-loopback address that did not fail."""
    lookups, connections = [], []
    for f in trace_dir.iterdir():
        for line in f.read_text(errors="replace").splitlines():
            if not re.match(r"(connect|sendto|sendmsg|sendmmsg)\(", line) or "AF_INET" not in line:
                continue
            ports = _PORT.findall(line)
            addresses = [a for a in _ADDRESS.findall(line) if not _loopback(a)]
            if "53" in ports:
                lookups.append(line)
            elif addresses and not re.search(r"= -1 E\w+", line):
                connections.append(line)
    return lookups, connections


def _trace_pdf(tmp_path: Path) -> Path:
    require_chromium()
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace not installed (scripts/test.sh installs it)")
    out = tmp_path / "trace"
    out.mkdir()
    script = ("from tco.ui import report\n"
              "pdf = report.pdf_report('<html lang=\"en\"><body><h1>Report</h1><p>x</p></body></html>')\n"
              "assert pdf and pdf.startswith(b'%PDF'), 'no PDF'\n")
    subprocess.run([strace, "-f", "-ff", "-qq", "-e", "trace=network", "-o", str(out / "t"),
                    sys.executable, "-c", script], cwd=ROOT, check=True, timeout=180)
    return out


def test_the_pdf_step_looks_up_no_host_and_reaches_nothing_but_loopback(tmp_path):
    lookups, connections = network_attempts(_trace_pdf(tmp_path))
    assert lookups == [], lookups[:5]  # was 40-50 DNS lookups per PDF (accounts.google.com, ...)
    assert connections == [], connections[:5]  # was 3 connects to 2001:4860:4860::8888:443


def test_the_pdf_switches_turn_off_every_background_service():
    from tco.ui import report
    flags = set(report.OFFLINE_FLAGS)
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-domain-reliability", "--no-pings", "--host-resolver-rules=MAP * ~NOTFOUND"):
        assert flag in flags
    assert len([f for f in flags if f.startswith("--disable-features=")]) == 1  # Chromium reads one


def test_trace_reader_sees_lookups_and_connections(tmp_path):
    """The reader above on lines strace wrote before the fix (break-the-code check of the test)."""
    (tmp_path / "t.1").write_text(
        'connect(24, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) = 0\n'
        'connect(25, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0\n'
        'connect(26, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), '
        'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = -1 ENETUNREACH '
        '(Network is unreachable)\n'
        'connect(27, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16) = 0\n')
    lookups, connections = network_attempts(tmp_path)
    assert len(lookups) == 1 and len(connections) == 1 and "2001:4860" in connections[0]


# --- uploads stay in memory -------------------------------------------------------------------

def test_upload_parts_up_to_the_limit_stay_in_memory():
    from starlette.formparsers import MultiPartParser
    from tco.invoices import MAX_FILE_BYTES
    from tco.ui import serving
    limit = serving.keep_uploads_in_memory()
    assert MultiPartParser.spool_max_size == limit
    assert limit > CONFIG["server"]["maxUploadSize"] * 1024 * 1024 > MAX_FILE_BYTES


# --- the team set-up ---------------------------------------------------------------------------

def _streamlit_args(command: str) -> list[str]:
    """The arguments after ``streamlit run app.py`` in a shell command line."""
    words = shlex.split(command)
    i = words.index("run")
    assert words[i + 1] == "app.py"
    return words[i + 2:]


def readme_team_command() -> str:
    section = README.split("## Sharing with colleagues", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    lines = [ln for ln in block.splitlines() if "streamlit run" in ln]
    assert len(lines) == 1, lines
    return lines[0]


def dockerfile_command() -> str:
    text = (ROOT / "Dockerfile").read_text()
    cmd = re.search(r'^CMD \["sh", "-c", "(.*)"\]\s*$', text, re.M)
    assert cmd, "the Dockerfile's CMD runs one shell command"
    return cmd.group(1).replace('\\"', '"')


def test_readme_quick_start_and_team_command_are_both_there():
    assert "python3 -m pip install -r requirements.txt && python3 -m streamlit run app.py" in README
    args = _streamlit_args(readme_team_command())
    options = dict(zip(args[::2], args[1::2]))
    assert options["--server.address"] == "0.0.0.0"
    assert options["--server.allowedHosts"] == options["--browser.serverAddress"] == '$TCO_HOST'
    for key in options:  # nothing that loosens the privacy settings of config.toml
        assert key in ("--server.address", "--server.allowedHosts", "--browser.serverAddress", "--server.port")


def test_the_docker_image_runs_the_team_command_with_the_same_settings():
    text = (ROOT / "Dockerfile").read_text()
    assert _streamlit_args(dockerfile_command()) == _streamlit_args(readme_team_command())
    assert re.search(r"^COPY \. \.", text, re.M) or re.search(r"^COPY \.streamlit", text, re.M)
    ignored = (ROOT / ".dockerignore").read_text().split() if (ROOT / ".dockerignore").exists() else []
    assert not any(p.strip("/").startswith(".streamlit") for p in ignored)
    assert "requirements.txt" in text and "pip install" in text
    assert re.search(r"^FROM python:3\.11", text, re.M)  # the README's Python
    assert "EXPOSE 8501" in text
    # the image changes none of config.toml's privacy settings
    assert "gatherUsageStats" not in text and "enableXsrfProtection" not in text and "enableCORS" not in text
    assert CONFIG["browser"]["gatherUsageStats"] is False
    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert set(CONFIG["server"]["allowedHosts"]) == {"localhost", "127.0.0.1", "::1"}
    assert CONFIG["server"]["address"] == "127.0.0.1"
