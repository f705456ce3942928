"""ADAPTDESK_SMTP_URL: where notification mail goes, read once in workflow/config.py."""

from __future__ import annotations

import pytest

from workflow.config import ConfigError, Settings, SmtpSettings
from workflow.services.duties import duty_periods


def test_no_url_no_mail():
    assert SmtpSettings.from_env({}) is None
    assert Settings.from_env({}).smtp is None


def test_a_url_names_host_port_login_and_tls_and_the_password_stays_out_of_reprs():
    smtp = SmtpSettings.from_env(
        {
            "ADAPTDESK_SMTP_URL": "smtp://desk%40paper:s3cr%3At@mail.example:2525?starttls=1",
            "ADAPTDESK_MAIL_FROM": "Desk <d@x.org>",
        }
    )
    assert (smtp.host, smtp.port, smtp.username, smtp.password) == (
        "mail.example",
        2525,
        "desk@paper",
        "s3cr:t",
    )
    assert (smtp.starttls, smtp.ssl, smtp.sender) == (True, False, "Desk <d@x.org>")
    assert "s3cr" not in repr(smtp) and "s3cr" not in repr(
        Settings.from_env({"ADAPTDESK_SMTP_URL": "smtp://a:s3cr@h"})
    )


@pytest.mark.parametrize(
    "url,port", [("smtp://h", 25), ("smtp://h?starttls=1", 587), ("smtps://h", 465), ("smtps://h:2465", 2465)]
)
def test_the_port_follows_the_scheme_unless_given(url, port):
    assert SmtpSettings.from_env({"ADAPTDESK_SMTP_URL": url}).port == port


@pytest.mark.parametrize("url", ["mail.example:25", "http://mail.example", "smtp://", "smtp://h:99999"])
def test_a_url_that_names_no_smtp_server_stops_the_start(url):
    with pytest.raises(ConfigError, match="ADAPTDESK_SMTP_URL"):
        SmtpSettings.from_env({"ADAPTDESK_SMTP_URL": url})


def test_the_digest_hour_is_an_hour_of_the_day_and_18_unless_set():
    assert Settings.from_env({}).mail_digest_hour == 18
    assert Settings.from_env({"ADAPTDESK_MAIL_DIGEST_HOUR": "7"}).mail_digest_hour == 7
    for bad in ("24", "-1", "seven", "7.5"):
        with pytest.raises(ConfigError, match="ADAPTDESK_MAIL_DIGEST_HOUR"):
            Settings.from_env({"ADAPTDESK_MAIL_DIGEST_HOUR": bad})


def test_the_digest_duty_runs_only_when_mail_is_sent():
    assert "digest" not in duty_periods(Settings.from_env({}))
    with_mail = Settings.from_env({"ADAPTDESK_SMTP_URL": "smtp://h", "ADAPTDESK_RELAY_INTERVAL": "5"})
    assert duty_periods(with_mail)["digest"] == 5
