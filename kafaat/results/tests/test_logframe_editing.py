"""Editing an existing logframe: names and codes changed in place, results and indicators reordered among
their siblings, deleted only when nothing depends on them (else refused, saying why); managers only,
audited."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kafaat.core.models import AuditEvent
from kafaat.results import ordering, services
from kafaat.results.models import Indicator, LogframeNode, ManualValue, Target
from kafaat.results.tests.fixtures import build_programme


@pytest.fixture
def logframe(make_organisation, territory, world):
    """IMP › OC1 (outputs OP1, OP2, OP3) and OC2; OC1 holds REG and DROP, OP1 holds MAN (with a value)."""
    built = build_programme(make_organisation, territory)
    project = built.project
    project.participants.add(world["agency"], world["donor"])
    imp = LogframeNode.objects.create(project=project, level="impact", code="IMP", name_fr="Impact")
    oc1 = LogframeNode.objects.create(project=project, level="outcome", code="OC1", name_fr="Effet un",
                                      parent=imp, position=0)  # fmt: skip
    oc2 = LogframeNode.objects.create(project=project, level="outcome", code="OC2", name_fr="Effet deux",
                                      parent=imp, position=1)  # fmt: skip
    ops = [
        LogframeNode.objects.create(
            project=project, level="output", code=f"OP{i}", name_fr=f"Produit {i}", parent=oc1
        )  # fmt: skip
        for i in (1, 2, 3)
    ]
    reg = Indicator.objects.create(project=project, node=oc1, code="REG", name_fr="Inscrits",
                                   measure="people_registered")  # fmt: skip
    drop = Indicator.objects.create(project=project, node=oc1, code="DROP", name_fr="Abandon",
                                    measure="dropout_rate", unit="percent")  # fmt: skip
    man = Indicator.objects.create(project=project, node=ops[0], code="MAN", name_fr="Conventions")
    Target.objects.create(
        indicator=reg, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), value=8
    )
    ManualValue.objects.create(indicator=man, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31),
                               value=3)  # fmt: skip
    return {"project": project, "IMP": imp, "OC1": oc1, "OC2": oc2, "OP1": ops[0], "OP2": ops[1],
            "OP3": ops[2], "REG": reg, "DROP": drop, "MAN": man, "other": built.other}  # fmt: skip


def _codes(queryset) -> list[str]:
    return list(queryset.order_by("position", "code", "pk").values_list("code", flat=True))


# --- Services -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_moving_reorders_siblings_only(logframe, world):
    manager, oc1 = world["users"]["manager"], logframe["OC1"]
    assert services.move_node(manager, logframe["OP2"], "up")
    assert _codes(oc1.children) == ["OP2", "OP1", "OP3"]
    assert services.move_node(manager, logframe["OP2"], "down")
    assert services.move_node(manager, logframe["OP2"], "down")
    assert _codes(oc1.children) == ["OP1", "OP3", "OP2"]
    assert not services.move_node(manager, logframe["OP2"], "down")  # already last: nothing changes
    assert not services.move_node(manager, logframe["IMP"], "up")  # the only impact
    assert services.move_node(manager, logframe["OC2"], "up")
    assert _codes(logframe["IMP"].children) == ["OC2", "OC1"]
    assert _codes(oc1.children) == ["OP1", "OP3", "OP2"]  # other levels untouched
    tree = [(node.code, depth) for node, depth in services.logframe_tree(logframe["project"])]
    assert tree == [("IMP", 0), ("OC2", 1), ("OC1", 1), ("OP1", 2), ("OP3", 2), ("OP2", 2)]
    moved = AuditEvent.objects.filter(target_type="results.logframenode", action="update")
    assert moved.count() == 4 and moved.first().details["moved"] in ("up", "down")


@pytest.mark.django_db
def test_indicators_move_within_their_result(logframe, world):
    manager = world["users"]["manager"]
    assert _codes(logframe["OC1"].indicators) == ["DROP", "REG"]
    assert services.move_indicator(manager, logframe["REG"], "up")
    assert _codes(logframe["OC1"].indicators) == ["REG", "DROP"]
    assert not services.move_indicator(manager, logframe["MAN"], "up")
    with pytest.raises(ValidationError):
        services.move_indicator(manager, logframe["REG"], "sideways")


@pytest.mark.django_db
def test_editing_keeps_level_and_place(logframe, world):
    manager, oc1 = world["users"]["manager"], logframe["OC1"]
    data = {"code": "OC1b", "name_fr": "Accès", "name_ar": "الولوج", "name_en": "Access",
            "level": oc1.level, "parent": oc1.parent_id}  # fmt: skip
    services.save_node(manager, logframe["project"], data, node=oc1)
    oc1.refresh_from_db()
    assert (oc1.code, oc1.name_ar, oc1.parent_id, oc1.level) == (
        "OC1b",
        "الولوج",
        logframe["IMP"].pk,
        "outcome",
    )
    with pytest.raises(ValidationError):  # the code of another result
        services.save_node(manager, logframe["project"], {**data, "code": "OC2"}, node=oc1)
    reg = logframe["REG"]
    data = {"code": "REG", "name_fr": "Inscrits (tous)", "measure": "people_registered"}
    services.save_indicator(manager, logframe["OC2"], data, indicator=reg)
    reg.refresh_from_db()
    assert reg.node == logframe["OC2"] and reg.name_fr == "Inscrits (tous)" and reg.targets.count() == 1
    assert AuditEvent.objects.filter(target_type="results.indicator", action="update").exists()


@pytest.mark.django_db
def test_deleting_is_refused_while_something_depends_on_it(logframe, world):
    manager = world["users"]["manager"]
    with pytest.raises(ValidationError, match="3 résultats en dessous, 2 indicateurs"):
        services.delete_node(manager, logframe["OC1"])
    with pytest.raises(ValidationError, match="1 valeur saisie"):
        services.delete_indicator(manager, logframe["MAN"])
    with pytest.raises(ValidationError, match="1 indicateur"):
        services.delete_node(manager, logframe["OP1"])
    assert LogframeNode.objects.filter(code="OC1").exists() and Indicator.objects.filter(code="MAN").exists()
    services.delete_indicator(manager, logframe["REG"])  # targets only: they go with it
    assert not Target.objects.filter(indicator__code="REG").exists()
    services.delete_node(manager, logframe["OP2"])
    assert not LogframeNode.objects.filter(code="OP2").exists()
    deleted = AuditEvent.objects.filter(action="delete").values_list("target_type", flat=True)
    assert sorted(deleted) == ["results.indicator", "results.logframenode"]


@pytest.mark.django_db
def test_only_managers_edit_move_or_delete(logframe, world):
    for role in ("donor", "analyst_oriental", "caseworker_a"):
        user = world["users"][role]
        with pytest.raises(PermissionDenied):
            services.move_node(user, logframe["OP2"], "up")
        with pytest.raises(PermissionDenied):
            services.delete_indicator(user, logframe["DROP"])
        with pytest.raises(PermissionDenied):
            services.delete_node(user, logframe["OP3"])
    assert _codes(logframe["OC1"].children) == ["OP1", "OP2", "OP3"]


# --- Views --------------------------------------------------------------------------------------------------


def _url(name: str, logframe, obj=None) -> str:
    args = [logframe["project"].code] + ([obj.pk] if obj is not None else [])
    return reverse(f"results:{name}", args=args)


@pytest.mark.django_db
def test_edit_in_place_then_save(client, logframe, world):
    client.force_login(world["users"]["manager"])
    oc1 = logframe["OC1"]
    form = client.get(_url("node_edit", logframe, oc1), HTTP_HX_REQUEST="true")
    html = form.content.decode()
    assert form.status_code == 200 and f'id="node-edit-{oc1.pk}"' in html and 'value="Effet un"' in html
    saved = client.post(_url("node_edit", logframe, oc1), {"code": "OC1", "name_fr": "Accès à la formation"},
                        HTTP_HX_REQUEST="true")  # fmt: skip
    assert saved.status_code == 200 and 'id="logframe-editor"' in saved.content.decode()
    assert "Accès à la formation" in saved.content.decode()
    oc1.refresh_from_db()
    assert oc1.name_fr == "Accès à la formation" and oc1.level == "outcome"


@pytest.mark.django_db
def test_edit_errors_come_back_in_the_form_with_422(client, logframe, world):
    client.force_login(world["users"]["manager"])
    oc1 = logframe["OC1"]
    clash = client.post(
        _url("node_edit", logframe, oc1), {"code": "OC2", "name_fr": "X"}, HTTP_HX_REQUEST="true"
    )
    assert clash.status_code == 422 and clash["HX-Retarget"] == f"#node-edit-{oc1.pk}"
    assert "déjà utilisé" in clash.content.decode()
    empty = client.post(_url("node_edit", logframe, oc1), {"code": "", "name_fr": ""}, HTTP_HX_REQUEST="true")
    assert empty.status_code == 422
    bad = client.post(_url("indicator_edit", logframe, logframe["REG"]),
                      {"node": logframe["OC1"].pk, "code": "REG", "name_fr": "X", "measure": "nope"},
                      HTTP_HX_REQUEST="true")  # fmt: skip
    assert bad.status_code == 422
    oc1.refresh_from_db()
    assert oc1.code == "OC1" and Indicator.objects.get(code="REG").name_fr == "Inscrits"
    form = client.get(_url("indicator_edit", logframe, logframe["REG"]), HTTP_HX_REQUEST="true")
    assert 'value="people_registered" selected' in form.content.decode()
    saved = client.post(_url("indicator_edit", logframe, logframe["REG"]),
                        {"node": logframe["OC2"].pk, "code": "REG2", "name_fr": "Inscrits",
                         "measure": "people_registered", "disaggregations": ["sex"]},
                        HTTP_HX_REQUEST="true")  # fmt: skip
    assert saved.status_code == 200 and 'id="editor-indicator-REG2"' in saved.content.decode()


@pytest.mark.django_db
def test_move_buttons_and_bad_direction(client, logframe, world):
    client.force_login(world["users"]["manager"])
    answer = client.post(
        _url("node_move", logframe, logframe["OP3"]), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    html = answer.content.decode()
    assert answer.status_code == 200 and html.index('id="node-OP3"') < html.index('id="node-OP2"')
    assert client.post(_url("node_move", logframe, logframe["OP3"]), {"direction": "left"}).status_code == 400
    assert client.post(_url("indicator_move", logframe, logframe["REG"]), {}).status_code == 400
    answer = client.post(_url("indicator_move", logframe, logframe["REG"]), {"direction": "up"})
    assert answer.status_code == 200 and _codes(logframe["OC1"].indicators) == ["REG", "DROP"]
    assert client.get(_url("node_move", logframe, logframe["OP3"])).status_code == 405


@pytest.mark.django_db
def test_delete_refused_with_409_and_the_reason(client, logframe, world):
    client.force_login(world["users"]["manager"])
    refused = client.post(_url("node_delete", logframe, logframe["OC1"]), HTTP_HX_REQUEST="true")
    html = refused.content.decode()
    assert refused.status_code == 409 and 'id="logframe-refusal"' in html and "OC1" in html
    assert LogframeNode.objects.filter(code="OC1").exists()
    assert client.post(_url("indicator_delete", logframe, logframe["MAN"])).status_code == 409
    done = client.post(_url("indicator_delete", logframe, logframe["DROP"]), HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and 'id="editor-indicator-DROP"' not in done.content.decode()
    assert client.post(_url("node_delete", logframe, logframe["OC2"])).status_code == 200
    assert not LogframeNode.objects.filter(code="OC2").exists()


@pytest.mark.django_db
def test_editor_endpoints_are_for_managers_of_the_project(client, logframe, world):
    urls = [_url("node_edit", logframe, logframe["OC1"]), _url("indicator_edit", logframe, logframe["REG"])]
    posts = [_url("node_move", logframe, logframe["OP2"]), _url("indicator_move", logframe, logframe["REG"]),
             _url("indicator_delete", logframe, logframe["DROP"]),
             _url("node_delete", logframe, logframe["OP3"])]  # fmt: skip
    client.force_login(world["users"]["donor"])
    for url in urls:
        assert client.get(url).status_code == 403
    for url in posts:
        assert client.post(url, {"direction": "up"}).status_code == 403
    assert _codes(logframe["OC1"].children) == ["OP1", "OP2", "OP3"] and Indicator.objects.count() == 3
    client.force_login(world["users"]["manager"])
    assert client.get(reverse("results:node_edit", args=["p-results", 999999])).status_code == 404
    logframe["other"].participants.add(world["agency"])  # managed too, but OC1 is not in its logframe
    assert client.get(reverse("results:node_edit", args=["q-results", logframe["OC1"].pk])).status_code == 404


# --- Moves from a stale page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_move_from_a_stale_page_is_refused_and_moves_nothing(logframe, world):
    """The page said OP3 was third (place 2); someone moved it up meanwhile: "up" again would move it past
    OP1, which the reader never saw. Refused; the move with the right place goes through."""
    manager, oc1 = world["users"]["manager"], logframe["OC1"]
    assert services.move_node(manager, logframe["OP3"], "up", seen_at=2)
    assert _codes(oc1.children) == ["OP1", "OP3", "OP2"]
    with pytest.raises(ordering.StaleOrder, match="OP3"):
        services.move_node(manager, logframe["OP3"], "up", seen_at=2)
    assert _codes(oc1.children) == ["OP1", "OP3", "OP2"]
    assert services.move_node(manager, logframe["OP3"], "up", seen_at=1)
    with pytest.raises(ordering.StaleOrder):
        services.move_indicator(manager, logframe["REG"], "up", seen_at=0)  # REG is second (DROP, REG)
    assert _codes(oc1.indicators) == ["DROP", "REG"]


@pytest.mark.django_db
def test_sibling_places_follow_the_tree(logframe):
    tree = [node for node, _depth in services.logframe_tree(logframe["project"])]
    places = ordering.sibling_places(tree)
    assert places[logframe["IMP"].pk] == (0, 1)
    assert places[logframe["OC1"].pk] == (0, 2) and places[logframe["OC2"].pk] == (1, 2)
    assert [places[logframe[code].pk] for code in ("OP1", "OP2", "OP3")] == [(0, 3), (1, 3), (2, 3)]
    indicators = list(logframe["project"].indicators.all())
    places = ordering.sibling_places(indicators)
    assert places[logframe["DROP"].pk] == (0, 2) and places[logframe["MAN"].pk] == (0, 1)


@pytest.mark.django_db
def test_the_editor_sends_each_items_place_and_a_stale_move_answers_409(client, logframe, world):
    client.force_login(world["users"]["manager"])
    html = client.get(_url("logframe", logframe)).content.decode()
    op3 = logframe["OP3"].pk
    assert f'id="node-{op3}-up" hx-post' in html and '"direction": "up", "at": 2}' in html
    assert re.search(rf'id="node-{op3}-down"[^>]*disabled', html)  # already last: nothing to do
    assert re.search(rf'id="node-{logframe["OP1"].pk}-up"[^>]*disabled', html)  # already first
    for position, code in enumerate(("OP3", "OP1", "OP2")):  # another manager put OP3 first meanwhile
        LogframeNode.objects.filter(pk=logframe[code].pk).update(position=position)
    stale = client.post(_url("node_move", logframe, logframe["OP3"]), {"direction": "up", "at": 2},
                        HTTP_HX_REQUEST="true")  # fmt: skip
    body = stale.content.decode()
    assert stale.status_code == 409 and 'id="logframe-refusal"' in body and "OP3" in body
    assert body.index('id="node-OP3"') < body.index('id="node-OP1"')  # the order as it is now
    assert _codes(logframe["OC1"].children) == ["OP3", "OP1", "OP2"]
    for bad in ("x", -1):
        answer = client.post(_url("node_move", logframe, logframe["OP3"]), {"direction": "up", "at": bad})
        assert answer.status_code == 400
    gone = logframe["OP2"].pk
    LogframeNode.objects.filter(pk=gone).delete()  # deleted meanwhile
    assert client.post(reverse("results:node_move", args=[logframe["project"].code, gone]),
                       {"direction": "up", "at": 2}).status_code == 404  # fmt: skip


@pytest.mark.django_db
def test_the_editor_forms_fit_a_narrow_column(client, logframe, world):
    """The add forms are grid items that shrink (the long result names of a select pushed the page past a
    1,366 px window: measured in tests/e2e/test_results.py); their fields are divs, not paragraphs."""
    client.force_login(world["users"]["manager"])
    html = client.get(_url("logframe", logframe)).content.decode()
    for form in ("node-form", "indicator-form", "target-form"):
        assert f'id="{form}" class="editor-form"' in html
    assert "<p>" not in html.split('class="editor-forms"')[1].split("</form>")[0]
