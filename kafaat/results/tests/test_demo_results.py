"""The demo project's results framework: complete, idempotent, and exportable as valid IATI."""

from datetime import date

import pytest

from kafaat.core.models import Project
from kafaat.observatory import warehouse
from kafaat.results import exports, iati, measures
from kafaat.results.models import Indicator, LogframeNode, ManualValue, Target
from kafaat.synth.demo import INDICATORS, load_results_demo


@pytest.mark.django_db
def test_demo_logframe_is_complete_and_loading_twice_changes_nothing(
    world, django_capture_on_commit_callbacks
):
    project = Project.objects.create(
        code="demo-p", name_fr="Démo", name_ar="عرض", name_en="Demo", start_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31), donor=world["donor"],
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert load_results_demo(project) == len(INDICATORS)
    assert callbacks == []  # the demo command refreshes the warehouse once, after every loader
    assert set(LogframeNode.objects.filter(project=project).values_list("level", flat=True)) == {
        "impact", "outcome", "output",
    }  # fmt: skip
    assert all(i.measure in measures.REGISTRY for i in Indicator.objects.exclude(measure=""))
    assert ManualValue.objects.count() == 1
    counts = (Indicator.objects.count(), Target.objects.count(), LogframeNode.objects.count())
    assert load_results_demo(project) == 0
    assert (Indicator.objects.count(), Target.objects.count(), LogframeNode.objects.count()) == counts
    warehouse.refresh()
    document = exports.iati_document(project, date(2026, 12, 31))
    assert iati.schema_errors(document) == [] and b"XI-IATI-EC_INTPA-KAFAAT" in document
