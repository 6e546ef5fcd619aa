"""`python -m kafaat dedupe`: find the duplicates of the whole registry and queue them for review."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from kafaat.core import audit
from kafaat.registry.dedup import linkage
from kafaat.registry.dedup import services as dedup_services
from kafaat.registry.models import LinkageRun


class Command(BaseCommand):
    help = "Deduplicate the registry: candidate pairs with probability and reasons, clusters, auto-merge."

    def add_arguments(self, parser):
        parser.add_argument(
            "--train-synthetic",
            type=int,
            metavar="N",
            help="re-estimate the saved model on N synthetic records with known people, then stop",
        )

    def handle(self, *args, **options):
        if options["train_synthetic"]:
            from kafaat.synth.duplicates import generate_registry

            table = generate_registry(options["train_synthetic"], seed=1)
            records = table.rename_columns(
                [
                    {"record_id": "unique_id", "commune_code": "commune", "province_code": "province"}.get(
                        c, c
                    )
                    for c in table.column_names
                ]
            )
            prepared = linkage.prepare(records, reference_year=2025)
            linkage.train(
                prepared.append_column("cluster_id", records["cluster_id"]), label_column="cluster_id"
            )
            self.stdout.write(f"model saved to {linkage.MODEL_PATH}")
            return
        run = LinkageRun.objects.create()
        audit.record(audit.Action.CREATE, None, run, details={"operation": "deduplicate", "via": "command"})

        def progress(step: str, share: float) -> None:
            sys.stderr.write(f"\r{share:4.0%}  {step:<30}")
            sys.stderr.flush()

        try:
            dedup_services.execute_run(run, progress=progress)
        except Exception as error:
            raise CommandError(f"deduplication failed: {error}") from error
        sys.stderr.write("\n")
        self.stdout.write(
            f"{run.records} records, {run.pairs} pairs to review, {run.clusters} clusters, "
            f"{run.auto_merged} merged automatically ({run.seconds:.1f} s)"
        )
        if not run.pairs:
            self.stdout.write("no likely duplicate found: nothing to review")
