"""Phone, other phone and identity hash indexed through Meta.indexes instead of db_index.

On PostgreSQL `db_index=True` on a text column creates two indexes: a btree (used by search: `phone = …`,
`id_number_hash IN (…)`) and a `varchar_pattern_ops` copy for `LIKE 'abc%'`, which nothing runs and which
every insert maintains. The btrees are kept and renamed (no rebuild on a large table); the `_like` copies are
dropped. SQLite has no `_like` copies: its indexes are recreated under the new names.
"""

from django.db import migrations, models

INDEXES = (
    ("phone", "person_phone_idx"),
    ("phone_alt", "person_phone_alt_idx"),
    ("id_number_hash", "person_id_number_hash_idx"),
)
TABLE = "registry_person"


def forwards(apps, schema_editor):
    quote = schema_editor.quote_name
    for column, name in INDEXES:
        old = schema_editor._create_index_name(TABLE, [column])  # the name db_index gave it
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old + '_like')}")
            schema_editor.execute(f"ALTER INDEX IF EXISTS {quote(old)} RENAME TO {quote(name)}")
        else:
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(old)}")
            schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(TABLE)} ({quote(column)})")


def backwards(apps, schema_editor):
    quote = schema_editor.quote_name
    for column, name in INDEXES:
        old = schema_editor._create_index_name(TABLE, [column])
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER INDEX IF EXISTS {quote(name)} RENAME TO {quote(old)}")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(old + '_like')} "
                f"ON {quote(TABLE)} ({quote(column)} varchar_pattern_ops)"
            )
        else:
            schema_editor.execute(f"DROP INDEX IF EXISTS {quote(name)}")
            schema_editor.execute(f"CREATE INDEX {quote(old)} ON {quote(TABLE)} ({quote(column)})")


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_access_reason_merged")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="phone",
                    field=models.CharField(blank=True, max_length=16, verbose_name="phone"),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="phone_alt",
                    field=models.CharField(blank=True, max_length=16, verbose_name="other phone"),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="id_number_hash",
                    field=models.CharField(blank=True, editable=False, max_length=64),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(fields=["phone"], name="person_phone_idx"),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(fields=["phone_alt"], name="person_phone_alt_idx"),
                ),
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(fields=["id_number_hash"], name="person_id_number_hash_idx"),
                ),
            ],
        )
    ]
