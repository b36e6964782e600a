"""Set-based inserts for hot paths (screening ingestion, bulk triage queueing) on PostgreSQL.

COPY writes rows without model instances; what it writes must match what bulk_create would,
which the PostgreSQL tests in tests/test_screen_hits_pg.py check row by row.
"""

from django.db import connection


def bulk_copy_available() -> bool:
    """PostgreSQL: rows that are only inserted go in with COPY, not as model instances through bulk_create."""
    return connection.vendor == "postgresql"


def copy_rows(model, columns: list[str], rows) -> None:
    """COPY rows (tuples of values in the order of the column names columns) into model's table.

    A constraint violation raises django.db.IntegrityError, as the INSERT of bulk_create would.
    """
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def copy_like(model, *, common: dict, fields: tuple[str, ...], rows) -> None:
    """COPY what bulk_create([model(**common, **dict(zip(fields, row))) for row in rows]) would insert.

    fields are attnames; their values in rows are written as they are. Every other column takes its
    value from one instance built with common (defaults included), prepared for the database once;
    the primary key, unless in fields, from its sequence.
    """
    template = model(**common)
    by_attname = {column.attname: column for column in model._meta.concrete_fields}
    columns, constant = [by_attname[name].column for name in fields], []
    for other in model._meta.concrete_fields:
        if other.attname in fields or other.primary_key:
            continue
        columns.append(other.column)
        constant.append(other.get_db_prep_save(other.pre_save(template, add=True), connection))
    tail = tuple(constant)
    copy_rows(model, columns, (row + tail for row in rows))


def next_ids(model, count: int) -> list[int]:
    """count values of the model's id sequence, ascending, as bulk_create would have assigned them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return sorted(pk for (pk,) in cursor.fetchall())
