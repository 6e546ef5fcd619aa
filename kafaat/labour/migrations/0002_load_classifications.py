from django.db import migrations


def load(apps, schema_editor):
    from kafaat.labour.reference import load_occupations, load_sectors

    load_occupations(apps.get_model("labour", "Occupation"))
    load_sectors(apps.get_model("labour", "Sector"))


def unload(apps, schema_editor):
    apps.get_model("labour", "Occupation").objects.all().delete()
    apps.get_model("labour", "Sector").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("labour", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
