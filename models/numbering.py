"""Register numbers PREFIX-YYYY-MM-NNNN, without gaps or collisions.

The counter row is created if missing and then incremented inside the caller's transaction:
the UPDATE takes a row lock on PostgreSQL and the write lock on SQLite, so two processes
get consecutive numbers, and a transaction that rolls back gives its number back.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from aduan.models.db import insert_for
from aduan.models.tables import RegisterCounter


def next_register_no(session: Session, prefix: str, period: str) -> str:
    """Allocate the next number for `prefix` in `period` (YYYY-MM) within the open transaction."""
    return next_register_nos(session, prefix, period, 1)[0]


def next_register_nos(session: Session, prefix: str, period: str, count: int) -> list[str]:
    """Allocate `count` consecutive numbers within the open transaction."""
    values = {"prefix": prefix, "period": period, "last": 0}
    session.execute(
        insert_for(session.get_bind())(RegisterCounter)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["prefix", "period"])
    )
    last = session.execute(
        update(RegisterCounter)
        .where(col(RegisterCounter.prefix) == prefix, col(RegisterCounter.period) == period)
        .values(last=col(RegisterCounter.last) + count)
        .returning(col(RegisterCounter.last))
    ).scalar_one()
    return [f"{prefix}-{period}-{n:04d}" for n in range(last - count + 1, last + 1)]
