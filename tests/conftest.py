from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.servers.dovecot import DOVECOT_BINARY, Dovecot, ImapAccount

# --- IMAP server ----------------------------------------------------------


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    """One real Dovecot for the whole session; tests isolate by user."""
    if not DOVECOT_BINARY.exists():
        message = f"{DOVECOT_BINARY} not found (Debian package dovecot-imapd)"
        # A CI run that silently skips every IMAP test would look green.
        if "CI" in os.environ:
            pytest.fail(f"{message}, and CI is set", pytrace=False)
        pytest.skip(message)
    with Dovecot.start(tmp_path_factory.mktemp("dovecot")) as server:
        yield server


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    """A fresh user, so every test starts with an empty mailbox."""
    return dovecot.new_account()
