"""Refusing private addresses where connections are made: an httpcore network backend.

Checking the host written in a URL is not enough: ``127.1``, ``0x7f.1``, ``2130706433`` and
``[::ffff:127.0.0.1]`` are not IP literals to URL parsing, and any name can resolve to 10.0.0.1. So the
check happens in the connect step of every connection, hence on every redirect hop, before a byte of
the request is sent: the host is resolved here, the addresses are checked, and the socket is connected
to a checked address (never resolved again, so a second DNS answer cannot slip in between).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable, Sequence

import httpcore

from cleaner.errors import FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
EVERYWHERE: tuple[IPNetwork, ...] = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to public addresses, and to those in ``allowed`` (an intranet, a test server)."""

    def __init__(self, allowed: Sequence[IPNetwork] = ()) -> None:
        self._allowed = tuple(allowed)
        self._inner = httpcore.AnyIOBackend()

    def permits(self, address: IPAddress) -> bool:
        address = _unmapped(address)
        if any(address in network for network in self._allowed if network.version == address.version):
            return True
        reached = (address, *_embedded(address))
        return address not in _LOCAL_NAT64 and all(inner.is_global and not inner.is_multicast for inner in reached)

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await _resolve(host, port, timeout)
        permitted = [address for address in addresses if self.permits(address)]
        if not permitted:
            raise FetchError(
                host,
                f"{host} is {_describe(addresses[0])}; private, loopback and link-local addresses are refused"
                " (--allow-private allows them)",
                "private address",
            )
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in permitted:
            try:
                return await self._inner.connect_tcp(str(address), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("connecting to a Unix socket is not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    """The addresses of ``host`` in the resolver's order; an IP literal stands for itself."""
    try:
        async with asyncio.timeout(timeout):
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError as exc:
        raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
    except OSError as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc.strerror or exc}") from exc
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host}: no address")
    return addresses


_NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: the last 32 bits are the IPv4 host reached
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: a site's own translator, never public
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # deprecated ::a.b.c.d, still routed to a.b.c.d by some stacks


def _embedded(address: IPAddress) -> list[IPAddress]:
    """The IPv4 addresses an IPv6 address leads to (NAT64, 6to4, Teredo, IPv4-compatible): ``ipaddress``
    calls 64:ff9b::7f00:1 and 2002:7f00:1:: global, though they reach 127.0.0.1."""
    if address.version == 4:
        return []
    found: list[IPAddress] = []
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found += address.teredo
    return found


def _unmapped(address: IPAddress) -> IPAddress:
    """``::ffff:127.0.0.1`` is 127.0.0.1 to the network, whatever Python's version says of its flags."""
    return address.ipv4_mapped if address.version == 6 and address.ipv4_mapped else address


def _describe(address: IPAddress) -> str:
    address = _unmapped(address)
    for quality, name in (
        ("is_loopback", "a loopback"),
        ("is_link_local", "a link-local"),
        ("is_private", "a private"),
        ("is_multicast", "a multicast"),
    ):
        if getattr(address, quality):
            return f"{name} address ({address})"
    return f"not a public address ({address})"
