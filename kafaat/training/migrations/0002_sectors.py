"""The training sectors of Moroccan vocational training (reference data, names in fr, ar and en)."""

from django.db import migrations

from kafaat.training.sectors import load_sectors


def load(apps, schema_editor):
    load_sectors(apps.get_model("training", "Sector"))


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
