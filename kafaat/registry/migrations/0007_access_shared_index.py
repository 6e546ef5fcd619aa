"""A partial index holding only the accesses the access rule reads at every search (referrals, merges)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_access_reason_merged")]

    operations = [
        migrations.AddIndex(
            model_name="personaccess",
            index=models.Index(
                condition=models.Q(("is_active", True), models.Q(("reason", "registered"), _negated=True)),
                fields=["organisation", "person"],
                name="personaccess_shared",
            ),
        ),
    ]
