"""COPY rows into the (empty) tables of the benchmark database and reset their identity sequences."""

from django.core.management.color import no_style
from django.db import connection

from casework.models import Case, Deadline, Lead, Subject


def copy_rows(model, fields: list[str], rows) -> None:
    """COPY rows into the model's table; fields are model field names (FKs without _id)."""
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def reset_sequences() -> None:
    models = [Subject, Lead, Case, Deadline, Lead.subjects.through, Case.subjects.through]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
