"""Django's `dumpdata`, refusing the models that hold encrypted personal data unless asked for explicitly.

`dumpdata` writes what the models read: identity numbers, migration status and disability answers decrypted,
in clear. It is not a backup tool here (`backup` is: docs/operations.md).
"""

from django.apps import apps
from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.dumpdata import Command as DumpdataCommand

from kafaat.core.fields import EncryptedJSONField, EncryptedTextField


def _selected_models(labels: list[str], excluded: list[str]) -> list:
    if not labels:
        models = apps.get_models()
    else:
        models = []
        for label in labels:
            app_label, _, model_name = label.partition(".")
            config = apps.get_app_config(app_label)
            models += [config.get_model(model_name)] if model_name else list(config.get_models())
    skipped = {label.lower() for label in excluded}
    return [
        model
        for model in models
        if model._meta.app_label not in skipped and model._meta.label_lower not in skipped
    ]


class Command(DumpdataCommand):
    help = (
        "Output the database's contents as a fixture; models holding encrypted personal data only with "
        "--include-personal-data (they are written in clear)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--include-personal-data",
            action="store_true",
            help="also dump the models whose sensitive fields are encrypted at rest (written in clear)",
        )

    def handle(self, *app_labels: str, **options: object) -> None:
        if not options["include_personal_data"]:
            try:
                models = _selected_models(list(app_labels), list(options.get("exclude") or []))
            except LookupError as error:
                raise CommandError(str(error)) from error
            sensitive = sorted(
                model._meta.label
                for model in models
                if any(isinstance(f, EncryptedTextField | EncryptedJSONField) for f in model._meta.fields)
            )
            if sensitive:
                raise CommandError(
                    f"{', '.join(sensitive)} hold(s) encrypted personal data, which dumpdata writes in "
                    "clear. Exclude it (--exclude), back up with `backup`, or pass --include-personal-data."
                )
        super().handle(*app_labels, **options)
