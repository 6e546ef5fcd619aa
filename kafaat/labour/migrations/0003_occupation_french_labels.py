"""The French labels of every ISCO-08 group (ESCO's ISCOGroups_fr.csv): the classifications loaded again, which
updates the labels of the groups already there (kafaat/labour/data/README.md)."""

from django.db import migrations


def load(apps, schema_editor):
    from kafaat.labour.reference import load_occupations

    load_occupations(apps.get_model("labour", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("labour", "0002_load_classifications")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
