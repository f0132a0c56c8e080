"""Writing to the audit log past the service, as someone with table access would."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

from kejin.bootstrap import Platform

TRIGGER = "audit_entries_append_only"


@contextmanager
def tampering(platform: Platform) -> Iterator[Connection]:
    """A transaction free to edit audit entries: on PostgreSQL the append-only trigger is
    switched off inside it (the table owner may), and on again before it commits."""
    with platform.engine.begin() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            conn.execute(text(f"ALTER TABLE audit_entries DISABLE TRIGGER {TRIGGER}"))
        yield conn
        if postgres:
            conn.execute(text(f"ALTER TABLE audit_entries ENABLE TRIGGER {TRIGGER}"))
