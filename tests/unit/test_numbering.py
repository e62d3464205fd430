from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from aduan.models import db
from aduan.models.numbering import next_register_no

ALLOCATE = """
import sys
from aduan.models import db
from aduan.models.numbering import next_register_no
engine = db.make_engine(sys.argv[1])
for _ in range(int(sys.argv[2])):
    with db.transaction(engine) as session:
        print(next_register_no(session, "ADU", "2026-11"), flush=True)
"""

pytestmark = pytest.mark.both_databases


def test_numbers_are_consecutive_per_prefix_and_month(engine: Engine) -> None:
    with db.transaction(engine) as session:
        got = [next_register_no(session, "ADU", "2026-11") for _ in range(3)]
        got.append(next_register_no(session, "ADU", "2026-12"))
        got.append(next_register_no(session, "PKM", "2026-11"))
    assert got == [
        "ADU-2026-11-0001",
        "ADU-2026-11-0002",
        "ADU-2026-11-0003",
        "ADU-2026-12-0001",
        "PKM-2026-11-0001",
    ]


def test_rolled_back_transaction_leaves_no_gap(engine: Engine) -> None:
    try:
        with db.transaction(engine) as session:
            next_register_no(session, "ADU", "2026-11")
            raise RuntimeError("crash before commit")
    except RuntimeError:
        pass
    with Session(engine) as session, session.begin():
        assert next_register_no(session, "ADU", "2026-11") == "ADU-2026-11-0001"


def test_two_processes_never_share_a_number_or_leave_a_gap(database_url: str) -> None:
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", ALLOCATE, database_url, "40"], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    numbers = []
    for w in workers:
        out, _ = w.communicate(timeout=120)
        assert w.returncode == 0
        numbers += out.split()
    assert sorted(numbers) == [f"ADU-2026-11-{i:04d}" for i in range(1, 81)]
