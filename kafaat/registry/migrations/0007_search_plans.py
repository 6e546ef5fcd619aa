"""What name search needs to get a good plan on PostgreSQL at a million people (docs/search.md).

* A partial index holding only the accesses the access rule reads at every search (referrals, merges), so
  that reading them does not walk the organisation's whole list of "registered" accesses.
* A larger statistics sample of `search_name`: with the default (100 histogram entries) a three-letter
  `LIKE '%…%'` is estimated at 0.01 % of the table whatever it is, and PostgreSQL then checks every match of
  every organisation on the heap instead of intersecting the trigram index with the organisation's people.
  Nothing on SQLite.
"""

from django.db import migrations, models

STATISTICS = 1000


def set_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE registry_person ALTER COLUMN search_name SET STATISTICS {STATISTICS}"
        )


def reset_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE registry_person ALTER COLUMN search_name SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_person_lookup_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="personaccess",
            index=models.Index(
                condition=models.Q(("is_active", True), models.Q(("reason", "registered"), _negated=True)),
                fields=["organisation", "person"],
                name="personaccess_shared",
            ),
        ),
        migrations.RunPython(set_statistics, reset_statistics),
    ]
