"""Fixtures for every test: no test reads or writes the OS keyring of the PC it runs on."""

from __future__ import annotations

import keyring
import keyring.backends.fail
import pytest


@pytest.fixture(autouse=True)
def no_os_keyring():
    """keyring's fail backend, as on a Linux server or CI: tokens go to private files.
    A test that wants a keyring sets its own (tests/desktop/test_token_vault.py)."""
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(before)
