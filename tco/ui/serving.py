"""How the page is served: uploads kept in memory, and where a share link can be opened.

* :func:`keep_uploads_in_memory`: Streamlit 1.67 serves uploads through Starlette, whose
  multipart parser spools any file part above 1 MB to an unnamed temporary file on disk
  (``starlette.formparsers.MultiPartParser.spool_max_size``). Raising that threshold above the
  upload limit keeps every upload in memory, whatever command started the server.
* :func:`is_loopback` / :func:`public_base`: a link to 127.0.0.1 opens only on the machine that
  serves the page; the team set-up (README, "Sharing with colleagues") binds to the LAN and names
  the address colleagues use in ``browser.serverAddress``, which links then carry.
"""

from __future__ import annotations

import gc
import ipaddress
import threading
from urllib.parse import urlsplit, urlunsplit

#: Room for the multipart framing around one file part [bytes] (Streamlit allows 64 KiB).
_MULTIPART_MARGIN = 1024 * 1024


def keep_uploads_in_memory() -> int:
    """Make Starlette keep upload parts of up to ``server.maxUploadSize`` in memory; returns the
    spool threshold now in force [bytes]. Idempotent; called on every run of the page (the first
    run of a session always precedes its first upload)."""
    from starlette.formparsers import MultiPartParser
    from streamlit import config

    limit = int(config.get_option("server.maxUploadSize")) * 1024 * 1024 + _MULTIPART_MARGIN
    if MultiPartParser.spool_max_size < limit:
        MultiPartParser.spool_max_size = limit
    return MultiPartParser.spool_max_size


_freeze_lock = threading.Lock()
_frozen = False


def freeze_heap_once() -> bool:
    """Collect the garbage and move every live object to the collector's permanent generation,
    once per process; True on the call that did it. The objects of later runs are collected as
    usual; what is frozen is what the server keeps for its life anyway (modules, catalogs, caches)."""
    global _frozen
    with _freeze_lock:
        if _frozen:
            return False
        gc.collect()
        gc.freeze()
        _frozen = True
        return True


def is_loopback(host: str | None) -> bool:
    """True for a host name that means this machine only (localhost, 127.0.0.0/8, ::1)."""
    if not host:
        return False
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_base(url: str | None) -> str | None:
    """``url`` (the page's own address) with its host replaced by ``browser.serverAddress`` when
    the page was opened on loopback and the server names another address for colleagues."""
    if not url:
        return url
    from streamlit import config

    parts = urlsplit(url)
    named = str(config.get_option("browser.serverAddress") or "")
    if not is_loopback(parts.hostname) or not named or is_loopback(named):
        return url
    port = config.get_option("browser.serverPort") or parts.port
    host = f"[{named}]" if ":" in named else named
    netloc = f"{host}:{port}" if port and int(port) not in (80, 443) else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
