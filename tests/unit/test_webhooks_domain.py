"""Webhook rules without a database: signatures, retry waits, the SSRF guard's decisions, target URLs, and the
ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS setting."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import itertools

import pytest

from workflow.config import ConfigError, Settings
from workflow.domain.webhooks import (
    RETRY_MAX_SECONDS,
    WebhookRefused,
    address_refusal,
    check_target_url,
    parse_networks,
    retry_delay,
    sign,
)


def test_signature_is_the_hex_hmac_sha256_of_the_raw_body():
    body = b'{"event":"adaptation.published"}'
    expected = hmac.new(b"s3cret-s3cret-s3cret", body, hashlib.sha256).hexdigest()
    assert sign("s3cret-s3cret-s3cret", body) == f"sha256={expected}"
    assert sign("another-secret-value", body) != sign("s3cret-s3cret-s3cret", body)


def test_retry_waits_double_up_to_a_cap():
    waits = [retry_delay(n) for n in range(1, 10)]
    assert waits[:4] == [5, 10, 20, 40]
    assert all(b >= a for a, b in itertools.pairwise(waits))
    assert max(waits) == RETRY_MAX_SECONDS


@pytest.mark.parametrize(
    "address,reason",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "reserved"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not a public"),
    ],
)
def test_addresses_that_are_not_public_are_refused(address, reason):
    refusal = address_refusal(ipaddress.ip_address(address))
    assert refusal is not None and reason in refusal


def test_public_addresses_pass_and_listed_networks_are_allowed():
    assert address_refusal(ipaddress.ip_address("93.184.216.34")) is None
    assert address_refusal(ipaddress.ip_address("2606:2800:220:1::1")) is None
    allowed = parse_networks("127.0.0.1/32, 10.0.0.0/8")
    assert address_refusal(ipaddress.ip_address("127.0.0.1"), allowed) is None
    assert address_refusal(ipaddress.ip_address("10.9.9.9"), allowed) is None
    assert address_refusal(ipaddress.ip_address("127.0.0.2"), allowed) == "a loopback address"
    assert address_refusal(ipaddress.ip_address("169.254.169.254"), allowed) is not None


@pytest.mark.parametrize(
    "url,says",
    [
        ("ftp://example.org/x", "https://"),
        ("https:///nohost", "no host"),
        ("https://user:pw@example.org/", "credentials"),
        ("https://example.org/#frag", "fragment"),
        ("https://example.org:99999/", "port"),
        ("https://exa mple.org/", "spaces"),
        ("javascript:alert(1)", "https://"),
    ],
)
def test_bad_target_urls_are_refused_with_a_reason(url, says):
    with pytest.raises(WebhookRefused, match=says):
        check_target_url(url)


def test_allowed_networks_setting_is_read_once_and_checked():
    settings = Settings.from_env({"ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32,10.0.0.0/8"})
    assert settings.webhook_allowed_networks == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    )
    assert Settings.from_env({}).webhook_allowed_networks == ()
    with pytest.raises(ConfigError, match="ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS: 'localhost'"):
        Settings.from_env({"ADAPTDESK_WEBHOOK_ALLOWED_NETWORKS": "localhost"})
