"""The name-search table (`PersonSearch`): one row per person and organisation that sees them, written by
triggers on `registry_person` and `registry_personaccess` (docs/search.md, *The search table*).

PostgreSQL: hash-partitioned by organisation (16 partitions), each with a trigram index on the name key and a
b-tree on (organisation, created_at, person); statement-level triggers with transition tables, so that the
COPY of the import pays one set-based INSERT per statement. SQLite: one table, row-level triggers.
"""

import django.db.models.deletion
from django.db import migrations, models

PARTITIONS = 16

# The rows of the people whose ids are in `ids` (PostgreSQL array), recomputed from the access rule.
_PG_ROWS = """
    SELECT p.id, p.registered_by_id, p.search_name, p.created_at
      FROM registry_person p
     WHERE {person} AND p.merged_into_id IS NULL
    UNION
    SELECT p.id, a.organisation_id, p.search_name, p.created_at
      FROM registry_personaccess a JOIN registry_person p ON p.id = a.person_id
     WHERE {access} AND a.is_active AND a.reason <> 'registered' AND p.merged_into_id IS NULL
"""
_COLUMNS = "(person_id, organisation_id, search_name, created_at)"

PG_FORWARD = [
    f"""CREATE TABLE registry_personsearch (
        person_id bigint NOT NULL,
        organisation_id bigint NOT NULL,
        search_name varchar(500) NOT NULL,
        created_at timestamp with time zone NOT NULL
    ) PARTITION BY HASH (organisation_id)""",
    *(
        f"CREATE TABLE registry_personsearch_{i} PARTITION OF registry_personsearch"
        f" FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {i})"
        for i in range(PARTITIONS)
    ),
    f"INSERT INTO registry_personsearch {_COLUMNS}" + _PG_ROWS.format(person="TRUE", access="TRUE"),
    "ALTER TABLE registry_personsearch ADD PRIMARY KEY (person_id, organisation_id)",
    "CREATE INDEX registry_personsearch_trgm ON registry_personsearch USING gin (search_name gin_trgm_ops)",
    "CREATE INDEX registry_personsearch_order ON registry_personsearch (organisation_id, created_at, person_id)",
    "ALTER TABLE registry_personsearch ALTER COLUMN search_name SET STATISTICS 1000",
    f"""CREATE FUNCTION registry_personsearch_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
        DELETE FROM registry_personsearch WHERE person_id = ANY(ids);
        INSERT INTO registry_personsearch {_COLUMNS}
        {_PG_ROWS.format(person="p.id = ANY(ids)", access="a.person_id = ANY(ids)")};
    $$""",
    f"""CREATE FUNCTION registry_personsearch_person() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO registry_personsearch {_COLUMNS}
            SELECT id, registered_by_id, search_name, created_at FROM new_rows WHERE merged_into_id IS NULL
            ON CONFLICT DO NOTHING;
        ELSIF TG_OP = 'UPDATE' THEN
            PERFORM registry_personsearch_refresh(ARRAY(
                SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                 WHERE (n.search_name, n.created_at, n.registered_by_id, n.merged_into_id)
                       IS DISTINCT FROM (o.search_name, o.created_at, o.registered_by_id, o.merged_into_id)));
        ELSIF TG_OP = 'DELETE' THEN
            DELETE FROM registry_personsearch WHERE person_id IN (SELECT id FROM old_rows);
        ELSE
            TRUNCATE registry_personsearch;
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION registry_personsearch_access() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO registry_personsearch {_COLUMNS}
            SELECT p.id, a.organisation_id, p.search_name, p.created_at
              FROM new_rows a JOIN registry_person p ON p.id = a.person_id
             WHERE a.is_active AND a.reason <> 'registered' AND p.merged_into_id IS NULL
            ON CONFLICT DO NOTHING;
        ELSIF TG_OP = 'UPDATE' THEN
            PERFORM registry_personsearch_refresh(ARRAY(
                SELECT o.person_id FROM old_rows o UNION SELECT n.person_id FROM new_rows n));
        ELSE
            PERFORM registry_personsearch_refresh(ARRAY(SELECT DISTINCT person_id FROM old_rows));
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER registry_personsearch_person_insert AFTER INSERT ON registry_person
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_personsearch_person()""",
    """CREATE TRIGGER registry_personsearch_person_update AFTER UPDATE ON registry_person
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION registry_personsearch_person()""",
    """CREATE TRIGGER registry_personsearch_person_delete AFTER DELETE ON registry_person
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_personsearch_person()""",
    """CREATE TRIGGER registry_personsearch_person_truncate AFTER TRUNCATE ON registry_person
       FOR EACH STATEMENT EXECUTE FUNCTION registry_personsearch_person()""",
    """CREATE TRIGGER registry_personsearch_access_insert AFTER INSERT ON registry_personaccess
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_personsearch_access()""",
    """CREATE TRIGGER registry_personsearch_access_update AFTER UPDATE ON registry_personaccess
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION registry_personsearch_access()""",
    """CREATE TRIGGER registry_personsearch_access_delete AFTER DELETE ON registry_personaccess
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION registry_personsearch_access()""",
    # Fired even under `session_replication_role = replica`, which the import sets to skip foreign-key checks
    # (core.bulk.references_checked_once): the table stays in step with every write.
    *(
        f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER registry_personsearch_{name}"
        for table, names in (
            ("registry_person", ("person_insert", "person_update", "person_delete", "person_truncate")),
            ("registry_personaccess", ("access_insert", "access_update", "access_delete")),
        )
        for name in names
    ),
    "ANALYZE registry_personsearch",
]

PG_BACKWARD = [
    "DROP TRIGGER registry_personsearch_person_insert ON registry_person",
    "DROP TRIGGER registry_personsearch_person_update ON registry_person",
    "DROP TRIGGER registry_personsearch_person_delete ON registry_person",
    "DROP TRIGGER registry_personsearch_person_truncate ON registry_person",
    "DROP TRIGGER registry_personsearch_access_insert ON registry_personaccess",
    "DROP TRIGGER registry_personsearch_access_update ON registry_personaccess",
    "DROP TRIGGER registry_personsearch_access_delete ON registry_personaccess",
    "DROP FUNCTION registry_personsearch_person()",
    "DROP FUNCTION registry_personsearch_access()",
    "DROP FUNCTION registry_personsearch_refresh(bigint[])",
    "DROP TABLE registry_personsearch",
]


def _sqlite_refresh(person: str) -> str:
    """Statements recomputing the rows of the person whose id is the expression `person` (SQLite)."""
    return f"""
        DELETE FROM registry_personsearch WHERE person_id = {person};
        INSERT OR IGNORE INTO registry_personsearch {_COLUMNS}
        SELECT p.id, p.registered_by_id, p.search_name, p.created_at
          FROM registry_person p WHERE p.id = {person} AND p.merged_into_id IS NULL;
        INSERT OR IGNORE INTO registry_personsearch {_COLUMNS}
        SELECT p.id, a.organisation_id, p.search_name, p.created_at
          FROM registry_personaccess a JOIN registry_person p ON p.id = a.person_id
         WHERE a.person_id = {person} AND a.is_active AND a.reason <> 'registered'
           AND p.merged_into_id IS NULL;"""


SQLITE_FORWARD = [
    """CREATE TABLE registry_personsearch (
        person_id integer NOT NULL,
        organisation_id integer NOT NULL,
        search_name varchar(500) NOT NULL,
        created_at datetime NOT NULL,
        PRIMARY KEY (person_id, organisation_id)
    )""",
    "CREATE INDEX registry_personsearch_order ON registry_personsearch (organisation_id, created_at, person_id)",
    f"INSERT INTO registry_personsearch {_COLUMNS}" + _PG_ROWS.format(person="1", access="1"),
    f"""CREATE TRIGGER registry_personsearch_person_insert AFTER INSERT ON registry_person
        WHEN NEW.merged_into_id IS NULL BEGIN
        INSERT OR IGNORE INTO registry_personsearch {_COLUMNS}
        VALUES (NEW.id, NEW.registered_by_id, NEW.search_name, NEW.created_at);
    END""",
    f"""CREATE TRIGGER registry_personsearch_person_update AFTER UPDATE ON registry_person
        WHEN NEW.search_name IS NOT OLD.search_name OR NEW.created_at IS NOT OLD.created_at
          OR NEW.registered_by_id IS NOT OLD.registered_by_id OR NEW.merged_into_id IS NOT OLD.merged_into_id
          OR NEW.id IS NOT OLD.id
        BEGIN {_sqlite_refresh("OLD.id")} {_sqlite_refresh("NEW.id")}
    END""",
    """CREATE TRIGGER registry_personsearch_person_delete AFTER DELETE ON registry_person BEGIN
        DELETE FROM registry_personsearch WHERE person_id = OLD.id;
    END""",
    f"""CREATE TRIGGER registry_personsearch_access_insert AFTER INSERT ON registry_personaccess
        WHEN NEW.is_active AND NEW.reason <> 'registered' BEGIN
        INSERT OR IGNORE INTO registry_personsearch {_COLUMNS}
        SELECT p.id, NEW.organisation_id, p.search_name, p.created_at
          FROM registry_person p WHERE p.id = NEW.person_id AND p.merged_into_id IS NULL;
    END""",
    f"""CREATE TRIGGER registry_personsearch_access_update AFTER UPDATE ON registry_personaccess
        BEGIN {_sqlite_refresh("OLD.person_id")} {_sqlite_refresh("NEW.person_id")}
    END""",
    f"""CREATE TRIGGER registry_personsearch_access_delete AFTER DELETE ON registry_personaccess
        BEGIN {_sqlite_refresh("OLD.person_id")}
    END""",
]

SQLITE_BACKWARD = [
    *(
        f"DROP TRIGGER registry_personsearch_{name}"
        for name in (
            "person_insert",
            "person_update",
            "person_delete",
            "access_insert",
            "access_update",
            "access_delete",
        )
    ),
    "DROP TABLE registry_personsearch",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"no search table for {schema_editor.connection.vendor}")
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_importjob"),
        ("registry", "0008_fewer_indexes_to_write"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonSearch",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "person_id",
                        "organisation_id",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="search_rows",
                        to="registry.person",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="core.organisation",
                    ),
                ),
                ("search_name", models.CharField(max_length=500)),
                ("created_at", models.DateTimeField()),
            ],
            options={"db_table": "registry_personsearch", "managed": False},
        ),
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
