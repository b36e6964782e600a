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


def recreate_database() -> str:
    """Drop and create the configured database, then migrate it; refuses a name without "bench"."""
    import sys

    import psycopg
    from django.core.management import call_command
    from django.db import connections

    settings = connection.settings_dict
    name = settings["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to drop database {name!r}: its name must contain 'bench'. Set DATABASE_URL.")
    connections.close_all()
    with psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    return name
