"""The twinning's "97 expert missions, 51 experts, 400 person-days" and the study visits' 55 person-days are
reproduced from the demo's records by the roll-up, and loading the demo twice changes nothing."""

from __future__ import annotations

from datetime import date

from kafaat.core.models import Organisation
from kafaat.missions import services
from kafaat.missions.models import ExpertMission
from kafaat.synth.demo import missions as demo


def test_the_rollup_reproduces_the_twinning_figures(world, make_organisation):
    make_organisation("ofppt", "06.141", type=Organisation.Type.OFPPT)
    make_organisation("ue-maroc", "04.421", type=Organisation.Type.DONOR)
    today = date(2026, 12, 7)
    first = demo.load_missions_demo(today)
    assert first == {"missions": 101, "study_visits": 2}
    assert demo.load_missions_demo(today) == {"missions": 0, "study_visits": 0}
    national = world["users"]["superuser"]
    result = services.rollup(national, "project", project=demo.TWINNING_CODE)
    total = result.total
    assert (total.missions, total.experts, total.mission_days, total.visit_days) == (97, 51, 400, 55)
    assert total.person_days == 455
    # Every grouping adds up to the same totals; planned and cancelled missions never count.
    for by in services.GROUPINGS:
        rows = services.rollup(national, by, project=demo.TWINNING_CODE).rows
        assert sum(r.missions for r in rows) == 97
        assert sum(r.mission_days for r in rows) == 400
    assert ExpertMission.objects.exclude(status="done").count() == 4
    # The person-days are the records' own: the working days between each mission's dates.
    assert all(
        m.person_days == services.working_days(m.start_date, m.end_date) for m in ExpertMission.objects.all()
    )
