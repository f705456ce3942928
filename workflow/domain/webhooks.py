"""Webhooks as pure rules: the events, the signature, the retry schedule, and which addresses a delivery may
reach (the SSRF guard's decision; resolving names and connecting is the service's work)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class WebhookEvent(StrEnum):
    """What a receiver can subscribe to."""

    ADAPTATION_PUBLISHED = (
        "adaptation.published"  #: a story went out (first time, or put back after unpublish)
    )
    ADAPTATION_CORRECTED = "adaptation.corrected"  #: a corrected version replaced the published one
    ADAPTATION_UNPUBLISHED = "adaptation.unpublished"  #: an editor took the story off the site
    DRAFT_READY = "draft.ready"  #: the machine-translation draft of the newest revision is ready
    DRAFT_FAILED = "draft.failed"  #: no machine-translation draft could be made


class DeliveryState(StrEnum):
    """Where one delivery stands."""

    PENDING = "pending"  #: waiting for its (next) attempt
    DELIVERED = "delivered"  #: the receiver answered 2xx
    FAILED = "failed"  #: every attempt failed, or the target's address is not allowed


#: Attempts per delivery before it is marked failed (a redelivery starts a new series).
MAX_ATTEMPTS = 8
#: Seconds before the second attempt; each later wait doubles, up to RETRY_MAX_SECONDS.
RETRY_BASE_SECONDS = 5
#: The longest wait between attempts; it stays below the broker's visibility timeout (an ETA task held longer
#: than that would be delivered twice).
RETRY_MAX_SECONDS = 600
MAX_URL_CHARS = 2000
MIN_SECRET_CHARS, MAX_SECRET_CHARS = 16, 200
SIGNATURE_PREFIX = "sha256="


class WebhookRefused(ValueError):
    """A target URL or address a delivery may not reach; the message says why, for the admin."""


def sign(secret: str, body: bytes) -> str:
    """The `X-Adaptdesk-Signature` value: `sha256=` and the hex HMAC-SHA256 of the raw body with the secret."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_delay(attempts_made: int) -> int:
    """Seconds to wait before the next attempt, after `attempts_made` failed ones (exponential backoff)."""
    return min(RETRY_BASE_SECONDS * 2 ** max(attempts_made - 1, 0), RETRY_MAX_SECONDS)


def parse_networks(raw: str) -> tuple[IPNetwork, ...]:
    """Networks from comma-separated CIDRs (`127.0.0.1/32, 10.0.0.0/8`); ValueError naming a bad one."""
    networks = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"{part!r} is not a network in CIDR notation (such as 10.0.0.0/8)") from None
    return tuple(networks)


def address_refusal(address: IPAddress, allowed: Iterable[IPNetwork] = ()) -> str | None:
    """Why a delivery may not connect to `address` (None: it may). Listed networks are allowed whatever
    they are; otherwise only public unicast addresses."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    if any(address in network for network in allowed):
        return None
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (such as cloud metadata services)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified or address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a public address"
    return None


def check_target_url(url: str) -> SplitResult:
    """The parts of a webhook target URL: http or https, a host, no credentials or fragment; else refused."""
    if len(url) > MAX_URL_CHARS or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise WebhookRefused(f"Give the URL without spaces, in at most {MAX_URL_CHARS} characters.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise WebhookRefused("The URL must start with https:// (or http://).")
    try:
        host, _port = parts.hostname, parts.port
    except ValueError:
        raise WebhookRefused("The URL's port is not a number from 1 to 65535.") from None
    if not host:
        raise WebhookRefused("The URL names no host.")
    if parts.username is not None or parts.password is not None:
        raise WebhookRefused("Leave credentials out of the URL: receivers check the signature instead.")
    if parts.fragment:
        raise WebhookRefused("Leave the #fragment out of the URL: it is never sent.")
    return parts


def target_port(parts: SplitResult) -> int:
    """The port a delivery connects to."""
    return parts.port or (443 if parts.scheme == "https" else 80)


def literal_address(host: str) -> IPAddress | None:
    """The host as an IP address when it is one (`10.0.0.1`, `::1`), else None (a name to resolve)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
