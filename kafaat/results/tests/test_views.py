"""The results pages for each role: dashboard, indicator detail, funnel, summary, logframe editor."""

import pytest
from django.urls import reverse

from kafaat.results.models import Indicator, LogframeNode
from kafaat.results.tests.test_services import programme  # noqa: F401 — the shared fixture


@pytest.mark.django_db
def test_dashboard_shows_values_targets_and_the_snapshot_time(client, programme, world):  # noqa: F811
    client.force_login(world["users"]["manager"])
    page = client.get(
        reverse("results:dashboard", args=["p-results"]), {"start": "2025-01-01", "end": "2026-12-31"}
    )
    html = page.content.decode()
    assert page.status_code == 200 and 'id="snapshot-time"' in html
    assert 'id="indicator-REG"' in html and ">4<" in html.replace(" ", "")
    detail = client.get(reverse("results:indicator", args=["p-results", "REG"]), {"start": "2025-01-01"})
    assert detail.status_code == 200 and "MA-02" in detail.content.decode()
    funnel = client.get(reverse("results:funnel", args=["p-results"]), {"by": "migration"})
    assert funnel.status_code == 200 and "Réfugié ou demandeur d&#x27;asile" in funnel.content.decode()
    assert client.get(reverse("results:funnel", args=["p-results"]), {"by": "religion"}).status_code == 404


@pytest.mark.django_db
def test_donor_sees_suppressed_figures_and_no_editor(client, programme, world):  # noqa: F811
    client.force_login(world["users"]["donor"])
    html = client.get(reverse("results:dashboard", args=["p-results"])).content.decode()
    assert "sont affichés *" in html and "Modifier le cadre logique" not in html  # pages speak French first
    assert client.get(reverse("results:logframe", args=["p-results"])).status_code == 403
    summary = client.get(reverse("results:summary", args=["p-results"])).content.decode()
    assert "*" in summary
    client.force_login(world["users"]["caseworker_a"])
    assert client.get(reverse("results:dashboard", args=["p-results"])).status_code == 403


@pytest.mark.django_db
def test_logframe_editor_adds_results_indicators_and_targets(client, programme, world):  # noqa: F811
    client.force_login(world["users"]["manager"])
    url = reverse("results:logframe", args=["p-results"])
    assert client.get(url).status_code == 200
    outcome = LogframeNode.objects.get(code="OC1")
    answer = client.post(reverse("results:node_add", args=["p-results"]),
                         {"level": "output", "code": "OP1", "name_fr": "Produit", "parent": outcome.pk},
                         HTTP_HX_REQUEST="true")  # fmt: skip
    assert answer.status_code == 200 and 'id="node-OP1"' in answer.content.decode()
    output = LogframeNode.objects.get(code="OP1")
    answer = client.post(reverse("results:indicator_add", args=["p-results"]),
                         {"node": output.pk, "code": "JOBS", "name_fr": "Emplois", "measure": "people_placed",
                          "placement_type": "salaried_job", "disaggregations": ["sex", "region"]},
                         HTTP_HX_REQUEST="true")  # fmt: skip
    assert 'id="editor-indicator-JOBS"' in answer.content.decode()
    jobs = Indicator.objects.get(code="JOBS")
    assert jobs.filters == {"placement_type": "salaried_job"} and jobs.unit == "count"
    client.post(reverse("results:target_set", args=["p-results"]),
                {"indicator": jobs.pk, "period_start": "2025-01-01", "period_end": "2025-12-31",
                 "value": "10"})  # fmt: skip
    assert jobs.targets.get().value == 10
    bad = client.post(reverse("results:node_add", args=["p-results"]),
                      {"level": "output", "code": "OP2", "name_fr": "X"}, HTTP_HX_REQUEST="true")  # fmt: skip
    assert bad.status_code == 200 and not LogframeNode.objects.filter(code="OP2").exists()


@pytest.mark.django_db
def test_manual_value_with_evidence_from_the_indicator_page(client, programme, world):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["users"]["manager"])
    url = reverse("results:indicator", args=["p-results", "MAN"])
    assert 'id="manual-value-form"' in client.get(url).content.decode()
    evidence = SimpleUploadedFile("conventions.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    client.post(reverse("results:manual_value_add", args=["p-results", "MAN"]),
                {"period_start": "2025-01-01", "period_end": "2025-12-31", "value": "14",
                 "evidence": evidence})  # fmt: skip
    entry = Indicator.objects.get(code="MAN").manual_values.get()
    assert entry.value == 14 and entry.evidence.name.endswith(".pdf")
    assert ">14<" in client.get(url, {"end": "2026-12-31"}).content.decode().replace(" ", "")
    client.force_login(world["users"]["donor"])
    assert 'id="manual-value-form"' not in client.get(url).content.decode()
    client.post(reverse("results:manual_value_add", args=["p-results", "MAN"]),
                {"period_start": "2025-01-01", "period_end": "2025-12-31", "value": "99"})  # fmt: skip
    assert Indicator.objects.get(code="MAN").manual_values.count() == 1
