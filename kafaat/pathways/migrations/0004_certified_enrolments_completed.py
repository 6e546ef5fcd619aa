"""Enrolments that a certification answers to directly were left "ongoing" (only a completion or a dropout
ended an enrolment): they end "completed" on the day of their first such certification, as a certification
recorded from now on ends them (`services.ending_status`)."""

from django.db import migrations
from django.db.models import Min


def end_certified_enrolments(apps, schema_editor):
    Step = apps.get_model("pathways", "Step")
    ended_on = (
        Step.objects.filter(kind="certification", parent__kind="enrolment", parent__status="ongoing")
        .values("parent_id")
        .annotate(day=Min("date"))
    )
    by_day: dict = {}
    for row in ended_on.iterator(chunk_size=5000):
        by_day.setdefault(row["day"], []).append(row["parent_id"])
    for day, ids in by_day.items():  # one update per day: a few hundred at most, whatever the rows
        for start in range(0, len(ids), 5000):
            Step.objects.filter(pk__in=ids[start : start + 5000], status="ongoing").update(
                status="completed", end_date=day
            )


class Migration(migrations.Migration):
    dependencies = [("pathways", "0003_catalogue_links")]

    operations = [migrations.RunPython(end_certified_enrolments, migrations.RunPython.noop)]
