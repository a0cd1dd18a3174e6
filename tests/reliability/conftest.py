"""The reliability tests reuse the live server of the browser tests."""

from tests.ui.conftest import live  # noqa: F401 - a fixture, used by name
