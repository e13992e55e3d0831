"""Sending one signed POST to an address outside, without letting it reach the portal's own network.

An endpoint's host is resolved once, EVERY address it resolves to is checked (no loopback, private,
link-local, multicast, reserved or otherwise non-global address, unless the administrator allowed the
private network for this endpoint), and the connection is then made to a checked address itself, with the
host name kept for the Host header and for TLS (SNI and the certificate check). A name that resolves to a
public address when checked and to an internal one a moment later (DNS rebinding) therefore changes
nothing: the second answer is never asked for. Redirects are not followed, timeouts are short, and at most
a little of the answer is read.
"""

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_ANSWER_BYTES = 4096


class AddressRefused(Exception):
    """The URL may not be used (scheme, host, or an address on the local network); the message says why."""


class DeliveryFailed(Exception):
    """The endpoint could not be reached, or did not answer in time."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def check_url(url: str, *, production: bool) -> tuple[str, str, int, str]:
    """(scheme, host, port, path with query) of a URL the portal may send to; AddressRefused otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AddressRefused("The address is not a valid URL.") from None
    if parts.scheme not in ("https", "http"):
        raise AddressRefused("The address must start with https://.")
    if production and parts.scheme != "https":
        raise AddressRefused("In production only https:// addresses are allowed.")
    if not parts.hostname or parts.username or parts.password:
        raise AddressRefused("The address needs a host name, without a user name or password in it.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def _public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Every address ``host`` resolves to, each checked; AddressRefused if any may not be reached."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise DeliveryFailed(f"The host name {host} could not be resolved ({error}).") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not allow_private and not _public(address):
            raise AddressRefused(f"{host} resolves to {address}, an address on a local or private network; "
                                 "an administrator can allow the private network for this endpoint.")
    if not addresses:
        raise DeliveryFailed(f"The host name {host} has no address.")
    return addresses


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, port: int, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool,
         production: bool) -> Answer:
    """POST ``body`` to ``url`` (checked as above) and return the answer's status and first bytes."""
    scheme, host, port, path = check_url(url, production=production)
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection, last_error = None, None
    for address in resolve(host, port, allow_private=allow_private):  # the first checked address that answers
        candidate = cls(host, address, port, timeout)
        try:
            candidate.connect()
        except OSError as error:
            candidate.close()
            last_error = error
            continue
        connection = candidate
        break
    if connection is None:
        raise DeliveryFailed(f"{host} could not be reached: {last_error}")
    try:  # once connected, never to another address: the body may have arrived
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        return Answer(response.status, response.read(MAX_ANSWER_BYTES))
    except (OSError, http.client.HTTPException) as error:
        raise DeliveryFailed(f"{host} did not answer properly: {error}") from None
    finally:
        connection.close()
