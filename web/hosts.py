"""The names the viewer answers to, and the sites it takes changes from: the defence against DNS
rebinding.

A page on another site can make its own name point at 127.0.0.1 ("rebinding"): the browser then
takes the viewer for that site, sends the page's requests to it with that name in the Host
header, and lets the page read the answers. So, before anything else (login, CSRF, the route):

- **Host.** The viewer answers only to the names it is served as: 127.0.0.1, localhost and ::1
  (written `[::1]`), the configured HOST, and the names listed in GRAPHCRM_ALLOWED_HOSTS (a
  proxy's public name, say), each with any port or none; an IPv4 address also in its
  IPv4-mapped IPv6 spelling (`[::ffff:127.0.0.1]`). Any other name, or a Host that is not a host,
  gets 400 and a short page naming the accepted ones (JSON under `/api/`), with no cookie.
  Served on every address (HOST 0.0.0.0 or ::) the viewer has every name of the machine, which
  it cannot list: it then accepts any name, and the login it requires there guards every route
  (a rebound name carries no session cookie: browsers keep cookies per name).
- **Origin.** A POST, PUT, PATCH or DELETE whose Origin header (or, without one, Referer) is
  another site than the one the request was sent to — another host name or another port; the
  scheme is not compared, a TLS proxy changes it — is refused with 403, even with a valid CSRF
  token. `Origin: null` (a sandboxed frame, a local file) is another site. A request with
  neither header does not come from a browser page (curl, a script): its CSRF token decides.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, jsonify, render_template, request

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
EVERY_ADDRESS = ("0.0.0.0", "::", "")
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_PORTS = {"http": "80", "https": "443"}


def canonical(host: str) -> str:
    """One spelling of a host: an address as Python writes it (an IPv4-mapped IPv6 address as
    its IPv4 address), a name in lower case."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.lower()
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def split_host(value: str) -> tuple[str, str] | None:
    """`(host, port)` of a Host header (`name`, `name:port`, `[v6]:port`, a bare `::1`), the host
    canonical and the port "" when none is given; None when `value` is not a host."""
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")) or not _is_ipv6(host):
            return None
        port = rest[1:]
    elif value.count(":") > 1:  # an IPv6 address without brackets (and so without a port)
        host, port = value, ""
        if not _is_ipv6(host):
            return None
    else:
        host, _, port = value.partition(":")
    if not host or (port and not (port.isascii() and port.isdigit())):
        return None
    return canonical(host), port


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def accepted_names(host: str, allowed: Iterable[str] = ()) -> tuple[str, ...] | None:
    """The canonical names a viewer served on `host` answers to (loopback first); None when it
    answers to any name (served on every address)."""
    if canonical(host) in EVERY_ADDRESS:
        return None
    names: list[str] = []
    for name in (*LOOPBACK_NAMES, host, *allowed):
        split = split_host(name.strip()) if name.strip() else None  # "" in a list: no name
        if split is not None and split[0] not in names:
            names.append(split[0])
    return tuple(names)


def _shown(names: tuple[str, ...]) -> str:
    """`a, b or c`: the configured names, then loopback's; IPv6 addresses in brackets, as typed
    in a URL."""
    loopback = len(LOOPBACK_NAMES)
    written = [f"[{n}]" if ":" in n else n for n in (*names[loopback:], *names[:loopback])]
    return ", ".join(written[:-1]) + " or " + written[-1]


def init_app(app: Flask) -> None:
    """Check Host and Origin before every request; register before any other check."""
    app.extensions["graphcrm_hosts"] = accepted_names(app.config["HOST"], app.config["ALLOWED_HOSTS"])
    app.before_request(_check)


def _check() -> Any:
    names: tuple[str, ...] | None = current_app.extensions["graphcrm_hosts"]
    host = split_host(request.host)
    if host is None or (names is not None and host[0] not in names):
        shown = _shown(names) if names is not None else "a name of this machine"
        message = f"this viewer answers only as {shown} (with any port): open it at one of those addresses"
        if request.path.startswith("/api/"):
            return jsonify({"error": message}), 400
        return render_template("wrong_host.html", message=message), 400
    if request.method in WRITING_METHODS and not _same_site(host):
        abort(403, "this request came from another site: the viewer takes changes only from its own pages")
    return None


def _same_site(host: tuple[str, str]) -> bool:
    """Whether the Origin (or, without one, the Referer) of this request is the site it was
    sent to: the same host and port. Neither header: not a browser page, so nothing to compare."""
    source = request.headers.get("Origin")
    if source is None:
        source = request.headers.get("Referer")
    if source is None:
        return True
    try:
        parts = urlsplit(source)
    except ValueError:
        return False
    if parts.scheme not in DEFAULT_PORTS or not parts.netloc or "@" in parts.netloc:
        return False
    theirs = split_host(parts.netloc)
    if theirs is None:
        return False
    port = "" if theirs[1] == DEFAULT_PORTS[parts.scheme] else theirs[1]
    return (theirs[0], port) == host
