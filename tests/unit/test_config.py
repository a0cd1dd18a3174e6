"""Settings and the regime file."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.config import Settings, load_settings
from clearance.domain.errors import ConfigurationError
from clearance.regime import load_regime


def test_defaults_are_safe_and_meet_the_password_hash_floor() -> None:
    s = load_settings(environ={})
    assert s.session_idle_seconds == 900 and s.session_absolute_seconds == 43200
    assert s.argon2_memory_kib >= 19_456 and s.argon2_time_cost >= 2  # ASVS 11.4.2 floor
    assert s.effective_database_url.startswith("sqlite:///")
    assert not s.secure_cookies


@pytest.mark.parametrize("secret", ["", "changeme", "CHANGETHIS", "short-but-not-placeholder"])
def test_production_refuses_missing_or_placeholder_secrets(secret: str) -> None:
    env = {"CLEARANCE_MODE": "production", "CLEARANCE_SECRET_KEY": secret}
    with pytest.raises(ConfigurationError, match="CLEARANCE_SECRET_KEY"):
        load_settings(environ=env)


def test_production_with_everything_set(tmp_path: Path) -> None:
    key = tmp_path / "k.pem"
    key.write_text("x")
    s = load_settings(
        environ={
            "CLEARANCE_MODE": "production",
            "CLEARANCE_SECRET_KEY": "x" * 40,
            "CLEARANCE_DATABASE_URL": "postgres://u@h/db",
            "CLEARANCE_CHECKPOINT_KEY_FILE": str(key),
        }
    )
    assert s.secure_cookies and s.effective_database_url.startswith("postgresql+psycopg://")


def test_bad_values_name_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="CLEARANCE_PORT"):
        load_settings(environ={"CLEARANCE_PORT": "99999"})


def test_every_setting_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text("utf-8")
    for name in Settings.model_fields:
        assert f"CLEARANCE_{name.upper()}" in doc, name


def test_packaged_regime_is_valid_and_sourced() -> None:
    r = load_regime()
    assert r.years("eligibility_validity_years") == 10
    assert r.years("sds_reciprocity_years") == 5
    assert all(p.source for p in r.parameters.values())
    assert [m.number for m in r.matters] == list(range(1, 8))


def test_a_broken_regime_file_stops_start_up(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "src/clearance/regime/cesi.toml").read_text(
        "utf-8"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("number = 7", "number = 6"), "utf-8")
    with pytest.raises(ConfigurationError, match="seven matters"):
        load_regime(bad)
    with pytest.raises(ConfigurationError):
        load_regime(tmp_path / "missing.toml")
