"""Register numbers PREFIX-YYYY-MM-NNNN, without gaps or collisions.

The counter row is created if missing and then incremented inside the caller's transaction:
the UPDATE takes a row lock on PostgreSQL and the write lock on SQLite, so two processes
get consecutive numbers, and a transaction that rolls back gives its number back.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from aduan.models.tables import RegisterCounter


def next_register_no(session: Session, prefix: str, period: str) -> str:
    """Allocate the next number for `prefix` in `period` (YYYY-MM) within the open transaction."""
    return next_register_nos(session, prefix, period, 1)[0]


def next_register_nos(session: Session, prefix: str, period: str, count: int) -> list[str]:
    """Allocate `count` consecutive numbers within the open transaction."""
    dialect = session.get_bind().dialect.name
    values = {"prefix": prefix, "period": period, "last": 0}
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert_fn(RegisterCounter)
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
