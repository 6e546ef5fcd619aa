from django.db import migrations


def load(apps, schema_editor):
    from kafaat.labour.reference import load_occupations, load_sectors

    load_occupations(apps.get_model("labour", "Occupation"))
    load_sectors(apps.get_model("labour", "Sector"))


def unload(apps, schema_editor):
    occupations = apps.get_model("labour", "Occupation").objects
    for level in (4, 3, 2, 1):  # children first: parents are protected
        occupations.filter(level=level).delete()
    sectors = apps.get_model("labour", "Sector").objects
    sectors.exclude(parent=None).delete()
    sectors.all().delete()


class Migration(migrations.Migration):
    dependencies = [("labour", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
