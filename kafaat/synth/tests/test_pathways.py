"""The pathway generator: every step obeys the rules of check_step, the shares come out as planned, seeds."""

from datetime import date, timedelta

import numpy as np
import pytest

from kafaat.pathways import services
from kafaat.pathways.models import PARENT_KIND, PARENT_REQUIRED, StepKind
from kafaat.synth import pathways as synth
from kafaat.synth.pathways import KINDS, STATUSES, Partner, add_months, date_to_day, generate_pathways

TODAY = date(2026, 11, 30)
N = 20_000
PARTNERS = [
    [Partner(1, "organisation", 2), Partner(2, "training", 3)],  # organisation 0 refers to 1 and 2
    [Partner(0, "organisation", 3), Partner(2, "incubation")],
    [],  # organisation 2 refers to nobody: only its own training
]


def _generate(n: int = N, seed: int = 42, today: date = TODAY, **kwargs) -> synth.Pathways:
    home = np.arange(n) % 3
    female = (np.arange(n) * 7919 % 100) < 55
    return generate_pathways(n, seed, today=today, home=home, partners=PARTNERS, female=female, **kwargs)


@pytest.fixture(scope="module")
def generated() -> synth.Pathways:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(synth, "BLOCK_PEOPLE", 7_000)  # three blocks: parents are renumbered across them
        return _generate(due_soon=np.arange(N) % 1000 == 0)


def _kind(name: str) -> int:
    return KINDS.index(name)


def _status(name: str) -> int:
    return STATUSES.index(name)


def test_every_step_obeys_the_rules_of_check_step(generated):
    c, rows = generated.columns, np.arange(len(generated))
    kind, day, parent, person = c["kind"], c["day"], c["parent"], c["person"]
    assert (day <= date_to_day(TODAY)).all()
    assert np.array_equal(np.sort(person[kind == _kind("intake")]), np.arange(N))  # one intake each
    assert (day >= generated.intake_day[person]).all()  # nothing before joining the project
    assert (generated.intake_day >= date_to_day(synth.WINDOW[0])).all()
    assert (generated.intake_day <= date_to_day(synth.WINDOW[1])).all()

    has_parent = parent >= 0
    for name in KINDS:
        of_kind = kind == _kind(name)
        allowed = [_kind(k) for k in PARENT_KIND.get(StepKind(name), ())]
        if name in PARENT_REQUIRED:
            assert has_parent[of_kind].all(), name
        if not allowed:
            assert not has_parent[of_kind].any(), name
        else:
            assert np.isin(kind[parent[of_kind & has_parent]], allowed).all(), name
    assert (parent[has_parent] < rows[has_parent]).all()  # parents come first: bulk inserts kind by kind
    assert (person[parent[has_parent]] == person[has_parent]).all()
    assert (day[parent[has_parent]] <= day[has_parent]).all()

    # Enrolments follow a referral that was not declined (and was accepted when it went to a partner).
    enrolments = np.flatnonzero(kind == _kind("enrolment"))
    referral_of = parent[enrolments]
    assert (c["status"][referral_of] == _status("accepted")).all()
    # An ending step closes an ongoing enrolment, once: the enrolment's status and end say which.
    endings = np.flatnonzero(np.isin(kind, [_kind("dropout"), _kind("completion")]))
    assert len(np.unique(parent[endings])) == len(endings)
    ended_by = dict(zip(parent[endings].tolist(), endings.tolist(), strict=True))
    for row in enrolments.tolist():
        ending = ended_by.get(row)
        if ending is None:
            assert c["status"][row] == _status("ongoing") and c["end_day"][row] == -1
        else:
            expected = "dropped_out" if kind[ending] == _kind("dropout") else "completed"
            assert c["status"][row] == _status(expected) and c["end_day"][row] == day[ending]
    certifications = kind == _kind("certification")
    assert len(np.unique(parent[certifications])) == certifications.sum()

    # Steps are recorded by the home organisation, or by the partner that accepted a referral to its training.
    home = np.arange(N)[person] % 3
    by_partner = np.flatnonzero(c["organisation"] != home)
    assert np.isin(
        kind[by_partner], [_kind(k) for k in ("enrolment", "dropout", "completion", "certification")]
    ).all()
    referral_of_person = np.full(N, -1)
    referral_of_person[person[kind == _kind("referral")]] = np.flatnonzero(kind == _kind("referral"))
    referral = referral_of_person[person[by_partner]]
    assert (c["target"][referral] == c["organisation"][by_partner]).all()
    assert (c["status"][referral] == _status("accepted")).all() and (
        c["referral_target"][referral] == 0
    ).all()


def test_required_fields_and_follow_up_dates(generated):
    c = generated.columns
    kind = c["kind"]
    required = {
        "referral": "referral_target", "enrolment": "programme", "dropout": "dropout_reason",
        "certification": "credential", "placement": "placement_type", "follow_up": "still_employed",
    }  # fmt: skip
    for name, column in required.items():
        assert (c[column][kind == _kind(name)] >= 0).all(), name
    to_partner = (kind == _kind("referral")) & (c["referral_target"] == 1)
    assert (c["target"][to_partner] >= 0).all()
    with_target = (kind == _kind("referral")) & (c["target"] >= 0)
    assert (c["consent_day"][with_target] <= c["day"][with_target]).all()
    assert (c["consent_day"][with_target] >= generated.intake_day[c["person"][with_target]]).all()
    answered = with_target & (c["status"] != _status("pending"))
    assert (c["responded_day"][answered] >= c["day"][answered]).all()
    assert (c["responded_day"][with_target & ~answered] == -1).all()
    assert (c["responded_day"][answered] <= date_to_day(TODAY)).all()

    follow_ups = np.flatnonzero(kind == _kind("follow_up"))
    assert set(np.unique(c["months"][follow_ups]).tolist()) == {3, 6, 12}
    placements = c["parent"][follow_ups]
    for months in (3, 6, 12):
        chosen = c["months"][follow_ups] == months
        due = add_months(c["day"][placements[chosen]], months)
        assert (c["day"][follow_ups[chosen]] >= due).all()
        assert len(np.unique(placements[chosen])) == chosen.sum()  # one follow-up per placement and month
    placed = kind == _kind("placement")
    employed_by_others = placed & (c["placement_type"] <= 1)
    assert (c["employer"][employed_by_others] >= 0).all() and (
        c["employer"][placed & ~employed_by_others] == -1
    ).all()
    assert (
        c["contract_type"][placed & (c["placement_type"] >= 2)] == synth.CONTRACT_TYPES.index("none")
    ).all()


def test_shares_come_out_as_planned(generated):
    c = generated.columns
    count = {name: generated.count(name) for name in KINDS}
    assert count["assessment"] / N == pytest.approx(0.80, abs=0.03)
    assert count["referral"] / N == pytest.approx(0.65, abs=0.03)
    assert count["enrolment"] / N == pytest.approx(0.55, abs=0.03)
    assert count["dropout"] / count["enrolment"] == pytest.approx(0.15, abs=0.025)
    assert count["certification"] / count["completion"] == pytest.approx(0.85, abs=0.03)
    assert count["placement"] / count["certification"] == pytest.approx(0.55, abs=0.04)
    six_months = (c["kind"] == _kind("follow_up")) & (c["months"] == 6)
    assert c["still_employed"][six_months].mean() == pytest.approx(0.75, abs=0.04)
    placement_types = c["placement_type"][c["kind"] == _kind("placement")]
    shares = np.bincount(placement_types, minlength=len(synth.PLACEMENT_TYPES)) / len(placement_types)
    assert (
        shares[:2].sum() > 0.55 and (shares[2:] > 0.03).all()
    )  # mostly jobs and internships, all five types
    referrals = c["kind"] == _kind("referral")
    partner_statuses = set(c["status"][referrals & (c["target"] >= 0)].tolist())
    assert partner_statuses == {_status("pending"), _status("accepted"), _status("declined")}
    assert 0.2 < (c["target"][referrals] >= 0).mean() < 0.5  # some referrals go to another organisation
    sectors = {synth.SECTORS[i] for i in c["sector"][c["kind"] == _kind("placement")]}
    assert sectors <= set("ABCDEFGHIJKLMNOPQRSTU") and len(sectors) >= 8


def test_planted_people_have_a_follow_up_due_this_week(generated):
    c = generated.columns
    planted = np.flatnonzero(np.arange(N) % 1000 == 0)
    placements = np.flatnonzero(c["kind"] == _kind("placement"))
    by_person = dict(zip(c["person"][placements].tolist(), placements.tolist(), strict=True))
    today = date_to_day(TODAY)
    for person in planted.tolist():
        placement = by_person[person]
        due = add_months(np.array([c["day"][placement]]), 3)[0]
        assert today < due <= today + 7
        assert not ((c["kind"] == _kind("follow_up")) & (c["parent"] == placement)).any()


def test_same_inputs_same_steps_and_another_seed_other_steps():
    first, again, other = _generate(3_000), _generate(3_000), _generate(3_000, seed=43)
    for name, values in first.columns.items():
        assert np.array_equal(values, again.columns[name]), name
    assert not np.array_equal(first.columns["day"][:3_000], other.columns["day"][:3_000])
    assert [row["kind"] for row in first.rows("placement")] == ["placement"] * first.count("placement")


def test_decoded_rows_carry_model_codes():
    pathways = _generate(2_000)
    rows = list(pathways.rows())
    assert len(rows) == len(pathways) and rows[0]["row"] == 0
    assert {row["kind"] for row in rows} == set(KINDS)
    follow_up = next(row for row in rows if row["kind"] == "follow_up")
    assert follow_up["months"] in (3, 6, 12) and isinstance(follow_up["still_employed"], bool)
    assert rows[follow_up["parent"]]["kind"] == "placement"
    enrolment = next(row for row in rows if row["kind"] == "enrolment")
    assert enrolment["programme"] and len(enrolment["cohort"]) == 7 and enrolment["status"] in STATUSES


def test_nothing_is_recorded_after_today_whenever_today_is():
    early = _generate(5_000, today=date(2025, 3, 15))
    assert (early.columns["day"] <= date_to_day(date(2025, 3, 15))).all()
    assert early.count("placement") == 0 and early.count("intake") == 5_000
    assert len(_generate(0)) == 0


@pytest.mark.parametrize(
    "start", [date(2024, 1, 31), date(2025, 8, 31), date(2025, 11, 30), date(2027, 12, 31)]
)
def test_add_months_matches_the_service(start):
    days = np.array([date_to_day(start + timedelta(days=k)) for k in range(40)])
    for months in (-3, 1, 3, 6, 12):
        expected = [date_to_day(services.add_months(start + timedelta(days=k), months)) for k in range(40)]
        assert add_months(days, months).tolist() == expected
