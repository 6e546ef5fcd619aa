"""Establishments and programmes: lists in scope, edits under the rules, figures that hold together."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kafaat.core.models import AuditEvent
from kafaat.training import services
from kafaat.training.models import Establishment, SupplyStatistic


def codes(queryset):
    return sorted(e.code for e in queryset)


def test_lists_filter_by_region_province_sector_and_operator(supply):
    user = supply["users"]["superuser"]
    assert codes(services.list_establishments(user)) == ["ista-nador", "ita-tanger"]
    assert codes(services.list_establishments(user, territory_code="MA-02")) == ["ista-nador"]
    assert codes(services.list_establishments(user, territory_code="01.511")) == ["ita-tanger"]
    assert codes(services.list_establishments(user, territory_code="NOPE")) == []
    assert codes(services.list_establishments(user, sector="agriculture")) == ["ita-tanger"]
    assert codes(services.list_establishments(user, operator_type="ofppt")) == ["ista-nador"]
    assert codes(services.list_establishments(user, query="ista-n")) == ["ista-nador"]
    assert codes(services.list_establishments(user, query="الناظور")) == ["ista-nador"]
    counted = services.list_establishments(user, territory_code="MA-02").get()
    assert counted.programme_count == 2


def test_an_analyst_reads_the_supply_of_their_region_only(supply):
    analyst = supply["users"]["analyst_oriental"]
    assert codes(services.list_establishments(analyst)) == ["ista-nador"]
    with pytest.raises(Http404):  # access.OutOfScope: a 404, recorded as a denial
        services.get_establishment(analyst, supply["tanger"].pk)


def test_check_figures_names_each_inconsistency():
    assert services.check_figures({"enrolled": 10, "enrolled_women": 4, "graduates": 8}) == {}
    errors = services.check_figures(
        {"applicants": 5, "enrolled": 10, "enrolled_women": 11, "graduates": 12, "graduates_women": 1}
    )
    assert set(errors) == {"enrolled_women", "graduates", "enrolled"}
    assert "11" in errors["enrolled_women"] and "10" in errors["enrolled_women"]
    assert set(services.check_figures({"seats": -1})) == {"seats"}


def test_the_operator_administrator_creates_an_establishment_audited(supply, territory):
    admin = supply["users"]["ofppt_admin"]
    data = {
        "code": "ista-berkane",
        "name_fr": "ISTA Berkane",
        "operator_type": "ofppt",
        "operator": supply["ofppt"],
        "territory": territory("02.113"),
        "capacity": 500,
    }
    establishment = services.create_establishment(admin, data, ["electrical"])
    assert list(establishment.sectors.values_list("code", flat=True)) == ["electrical"]
    event = AuditEvent.objects.get(target_type="training.establishment", target_id=str(establishment.pk))
    assert event.action == "create" and event.actor == admin


def test_creating_needs_an_operator_the_user_administers_and_a_place_in_scope(supply, territory):
    data = {"code": "x-1", "name_fr": "X", "operator_type": "ofppt", "territory": territory("01.511")}
    with pytest.raises(PermissionDenied):  # an NGO administrator operates no establishment
        services.create_establishment(supply["users"]["admin_a"], {**data, "operator": supply["ngo_a"]})
    with pytest.raises(PermissionDenied):  # OFPPT's Oriental administrator, in Tanger
        services.create_establishment(
            supply["users"]["ofppt_admin_oriental"], {**data, "operator": supply["ofppt"]}
        )
    assert not Establishment.objects.filter(code="x-1").exists()
    with pytest.raises(ValidationError) as raised:
        services.create_establishment(
            supply["users"]["ofppt_admin"], {**data, "operator": supply["ofppt"]}, ["nope"]
        )
    assert "sectors" in raised.value.message_dict


def test_the_establishment_manager_edits_their_own_establishment_only(supply):
    manager = supply["users"]["establishment"]
    services.update_establishment(manager, supply["nador"], {"capacity": 950}, ["electrical"])
    supply["nador"].refresh_from_db()
    assert supply["nador"].capacity == 950
    event = AuditEvent.objects.get(action="update", target_type="training.establishment")
    assert event.details["changes"] == {
        "capacity": [900, 950],
        "sectors": [["electrical", "management"], ["electrical"]],
    }
    with pytest.raises(PermissionDenied):
        services.update_establishment(manager, supply["tanger"], {"capacity": 1})
    with pytest.raises(PermissionDenied):
        services.update_establishment(supply["users"]["analyst_oriental"], supply["nador"], {"capacity": 1})


def test_programmes_carry_checked_isco_codes(supply):
    manager = supply["users"]["establishment"]
    data = {
        "code": "TS-DD",
        "title_fr": "Développement digital",
        "sector": supply["sectors"]["digital"],
        "level": "technicien_specialise",
        "mode": "residential",
        "duration_months": 24,
    }
    programme = services.create_programme(manager, supply["nador"], data, ["2512", "2514", "2512"])
    assert programme.isco_codes == ["2512", "2514"]
    with pytest.raises(ValidationError) as raised:
        services.update_programme(manager, programme, {}, ["2512", "9999", "12"])
    assert "9999" in raised.value.message_dict["isco_codes"][0]
    services.update_programme(manager, programme, {"duration_months": 18}, ["3512"])
    programme.refresh_from_db()
    assert programme.isco_codes == ["3512"] and programme.duration_months == 18


def test_save_statistic_creates_then_corrects_and_refuses_inconsistent_figures(supply):
    manager, programme = supply["users"]["establishment"], supply["electricity"]
    values = {"seats": 60, "applicants": 150, "enrolled": 58, "enrolled_women": 3, "graduates": 20}
    services.save_statistic(manager, programme, 2024, values)
    services.save_statistic(manager, programme, 2024, values)  # the same again: no change, no event
    assert AuditEvent.objects.filter(target_type="training.supplystatistic").count() == 1
    services.save_statistic(manager, programme, 2024, {**values, "graduates": 22})
    assert SupplyStatistic.objects.get().graduates == 22
    with pytest.raises(ValidationError):
        services.save_statistic(manager, programme, 2024, {**values, "graduates": 59})
    assert SupplyStatistic.objects.get().graduates == 22


def test_totals_sum_all_ages_rows_by_year_and_source_within_scope(supply):
    admin = supply["users"]["superuser"]
    services.save_statistic(admin, supply["electricity"], 2023, {"enrolled": 50, "enrolled_women": 5})
    services.save_statistic(admin, supply["management"], 2023, {"enrolled": 70, "enrolled_women": 40})
    services.save_statistic(admin, supply["management"], 2023, {"enrolled": 30}, age_band="18-24")
    services.save_statistic(admin, supply["irrigation"], 2023, {"enrolled": 40, "enrolled_women": 8})
    national = services.supply_totals(admin, year=2023)
    assert [(t.year, t.source, t.values["enrolled"], t.values["enrolled_women"]) for t in national] == [
        (2023, "published", 160, 53)
    ]
    oriental = services.supply_totals(supply["users"]["analyst_oriental"])
    assert oriental[0].values["enrolled"] == 120 and oriental[0].women_share == 37.5
    assert services.supply_totals(admin, sector="agriculture")[0].values["enrolled"] == 40
