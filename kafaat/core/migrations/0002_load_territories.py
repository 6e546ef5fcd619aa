"""Load Morocco's 12 regions, 75 provinces/prefectures and the communes from the bundled reference files."""

from django.db import migrations


def load(apps, schema_editor):
    from kafaat.core.territories import load_territories

    load_territories(apps.get_model("core", "Territory"))


def unload(apps, schema_editor):
    territory = apps.get_model("core", "Territory")
    for level in ("commune", "province", "region"):
        territory.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
