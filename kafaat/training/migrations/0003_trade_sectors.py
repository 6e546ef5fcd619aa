"""Three trades of the OFPPT twinning as training sectors: thermal, refrigeration, welding (reference data)."""

from django.db import migrations

from kafaat.training.sectors import load_sectors


def load(apps, schema_editor):
    load_sectors(apps.get_model("training", "Sector"))


class Migration(migrations.Migration):
    dependencies = [("training", "0002_sectors")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
