"""Gateway configuration: TOML file, environment overrides, hidden secrets, bad config."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from temporal_review.gateway import AgentKey, GatewaySettings, ReviewerToken, digest
from temporal_review.gateway.settings import CONFIG_ENV

TOML = f"""
base_url = "https://reviews.example.com"
max_wait_seconds = 45

[[agent_keys]]
name = "crm"
key = "file-key-0123456789abcdef"
scopes = ["reviews:read"]

[[reviewers]]
user = "alice"
groups = ["editors"]
token_sha256 = "{digest("alice-token-0123456789")}"

[trusted_headers]
enabled = false

[templates.refund]
title = "Refund"
fields = [{{ name = "amount", kind = "json" }}]
response = {{ type = "number", min = 0 }}
"""


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gateway.toml"
    config.write_text(TOML)
    monkeypatch.setenv(CONFIG_ENV, str(config))
    loaded = GatewaySettings()
    assert loaded.max_wait_seconds == 45 and loaded.base_url == "https://reviews.example.com"
    assert loaded.agent_keys[0].scopes == {"reviews:read"}
    assert loaded.templates["refund"].response.type == "number"
    monkeypatch.setenv("TEMPORAL_REVIEW_MAX_WAIT_SECONDS", "5")
    monkeypatch.setenv("TEMPORAL_REVIEW_TRUSTED_HEADERS__ENABLED", "true")
    overridden = GatewaySettings()
    assert overridden.max_wait_seconds == 5 and overridden.trusted_headers.enabled


def test_secrets_are_never_printed() -> None:
    settings = GatewaySettings(
        agent_keys=[AgentKey(name="crm", key="super-secret-agent-key")],
        reviewers=[ReviewerToken(user="a", token="super-secret-reviewer")],
    )
    for text in (repr(settings), str(settings), settings.model_dump_json()):
        assert "super-secret" not in text


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "x"}, "exactly one of key or key_sha256"),
        ({"name": "x", "key": "k" * 20, "key_sha256": "0" * 64}, "exactly one"),
        ({"name": "x", "key": "short"}, "at least 16 characters"),
        ({"name": "x", "key_sha256": "not-a-digest"}, "String should match pattern"),
        ({"name": "x", "key": "k" * 20, "scopes": ["reviews:delete"]}, "Input should be"),
    ],
)
def test_bad_agent_keys_are_refused(entry: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        AgentKey.model_validate(entry)


def test_missing_config_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_ENV, "/nonexistent/gateway.toml")
    with pytest.raises(ValueError, match="not a file"):
        GatewaySettings()


def test_worker_and_gateway_share_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from temporal_review.worker import WorkerSettings

    config = tmp_path / "shared.toml"
    config.write_text(
        'link_secret = "0123456789abcdef0123456789abcdef-link"\n'
        + TOML
        + """
[notifications.smtp]
host = "mail.internal"
port = 2525
sender = "reviews@example.com"
password = "smtp-password"

[[notifications.routes]]
name = "editors-room"
channel = "slack"
groups = ["editors"]
url = "https://hooks.slack.test/T000/B000/XXXX"

[[notifications.reviewers]]
user = "alice"
email = "alice@example.com"
"""
    )
    monkeypatch.setenv(CONFIG_ENV, str(config))
    worker = WorkerSettings()
    gateway = GatewaySettings()
    assert worker.base_url == gateway.base_url == "https://reviews.example.com"
    assert worker.link_secret is not None and gateway.link_secret is not None
    assert worker.link_secret.get_secret_value() == gateway.link_secret.get_secret_value()
    notifications = worker.notification_settings()
    # alice's groups come from her gateway token entry: membership is written once.
    assert notifications.contact("alice").groups == ["editors"]  # type: ignore[union-attr]
    assert notifications.smtp is not None and notifications.smtp.port == 2525
    # Slack URLs and SMTP passwords are credentials: never printed.
    shown = repr(worker) + str(worker.model_dump())
    assert "smtp-password" not in shown and "XXXX" not in shown and "-link" not in shown
    # One value of a table can be overridden from the environment; the rest stays.
    monkeypatch.setenv("TEMPORAL_REVIEW_NOTIFICATIONS__SMTP__PORT", "25")
    smtp = WorkerSettings().notification_settings().smtp
    assert smtp is not None and (smtp.port, smtp.host) == (25, "mail.internal")
