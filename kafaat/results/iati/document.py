"""IATI 2.03 activity export: plain dataclasses in, a schema-valid ``<iati-activities>`` document out.

The export refuses to hand back a document that the IATI 2.03 schema (``data/iati-2.03``) rejects, or that
breaks the rules the schema cannot express (checked in :mod:`kafaat.results.iati.rules`): it raises
:class:`IatiError` listing every problem. Elements are written in the order the 2.03 schema requires
(docs/results-reporting.md has the mapping). The shared ``worked-example.xml`` is an IATI 1.x document
(no ``reporting-org``, no ``narrative``, ``budget-planned``): it does not validate against 2.03, so it is
not followed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from kafaat.results.iati.activity import (
    LANGUAGES,
    Activity,
    Baseline,
    IatiError,
    Location,
    Money,
    Number,
    Org,
    Result,
    Texts,
    Transaction,
    Value,
)
from kafaat.results.iati.rules import check_activity

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "iati-2.03" / "iati-activities-schema.xsd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# --- writing ------------------------------------------------------------------------------------------------


def _num(value: Number) -> str:
    text = format(Decimal(str(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sub(parent: etree._Element, tag: str, **attrs: object) -> etree._Element:
    el = etree.SubElement(parent, tag)
    for key, value in attrs.items():
        if value is not None:
            el.set(key.rstrip("_").replace("_", "-"), value if isinstance(value, str) else str(value))
    return el


def _narratives(el: etree._Element, texts: Texts) -> etree._Element:
    for n in texts:
        child = _sub(el, "narrative")
        child.text = n.text
        if n.lang:
            child.set(XML_LANG, n.lang)
    return el


def _org(parent: etree._Element, tag: str, org: Org, **extra: object) -> None:
    _narratives(_sub(parent, tag, ref=org.ref, type_=org.type, **extra), org.narratives)


def _money(parent: etree._Element, money: Money) -> None:
    _sub(parent, "value", currency=money.currency, value_date=money.value_date.isoformat()).text = _num(
        money.value
    )


def _values(parent: etree._Element, tag: str, value: Value | Baseline) -> None:
    attrs: dict[str, object] = {}
    if isinstance(value, Baseline):
        attrs = {"year": value.year, "iso_date": value.iso_date and value.iso_date.isoformat()}
    el = _sub(parent, tag, **attrs, value=None if value.value is None else _num(value.value))
    for d in value.dimensions:
        _sub(el, "dimension", name=d.name, value=d.value)
    if value.comment:
        _narratives(_sub(el, "comment"), value.comment)


def _result(parent: etree._Element, result: Result) -> None:
    status = None if result.aggregation_status is None else str(result.aggregation_status).lower()
    el = _sub(parent, "result", type_=result.type, aggregation_status=status)
    _narratives(_sub(el, "title"), result.title)
    if result.description:
        _narratives(_sub(el, "description"), result.description)
    for ind in result.indicators:
        iel = _sub(el, "indicator", measure=ind.measure, ascending=str(ind.ascending).lower())
        _narratives(_sub(iel, "title"), ind.title)
        if ind.description:
            _narratives(_sub(iel, "description"), ind.description)
        if ind.reference:
            _sub(iel, "reference", vocabulary=ind.reference[0], code=ind.reference[1])
        for baseline in ind.baselines:
            _values(iel, "baseline", baseline)
        for period in ind.periods:
            pel = _sub(iel, "period")
            _sub(pel, "period-start", iso_date=period.start.isoformat())
            _sub(pel, "period-end", iso_date=period.end.isoformat())
            for target in period.targets:
                _values(pel, "target", target)
            for actual in period.actuals:
                _values(pel, "actual", actual)


def _activity(root: etree._Element, a: Activity) -> None:
    el = _sub(root, "iati-activity", last_updated_datetime=a.last_updated.isoformat(timespec="seconds"),
              default_currency=a.default_currency)  # fmt: skip
    el.set(XML_LANG, a.default_lang)
    _sub(el, "iati-identifier").text = a.identifier
    _org(el, "reporting-org", a.reporting_org)
    _narratives(_sub(el, "title"), a.title)
    for kind, texts in (("1", a.description), ("2", a.objectives), ("3", a.target_groups)):
        if texts:
            _narratives(_sub(el, "description", type_=kind), texts)
    for org in a.participating_orgs:
        _org(el, "participating-org", org, role=org.role, activity_id=org.activity_id)
    _sub(el, "activity-status", code=a.status)
    for kind, day in (("1", a.dates.planned_start), ("2", a.dates.actual_start),
                      ("3", a.dates.planned_end), ("4", a.dates.actual_end)):  # fmt: skip
        if day:
            _sub(el, "activity-date", type_=kind, iso_date=day.isoformat())
    if a.scope:
        _sub(el, "activity-scope", code=a.scope)
    for c in a.countries:
        _narratives(_sub(el, "recipient-country", code=c.code, percentage=_opt(c.percentage)), c.narratives)
    for r in a.regions:
        rel = _sub(el, "recipient-region", code=r.code, vocabulary=r.vocabulary,
                   vocabulary_uri=r.vocabulary_uri, percentage=_opt(r.percentage))  # fmt: skip
        _narratives(rel, r.narratives)
    for loc in a.locations:
        _location(el, loc)
    for s in a.sectors:
        sel = _sub(el, "sector", vocabulary=s.vocabulary, code=s.code, percentage=_opt(s.percentage))
        _narratives(sel, s.narratives)
    defaults = (("collaboration-type", a.collaboration_type), ("default-flow-type", a.default_flow_type),
                ("default-finance-type", a.default_finance_type))  # fmt: skip
    for tag, code in defaults:
        if code:
            _sub(el, tag, code=code)
    if a.default_aid_type:
        _sub(el, "default-aid-type", code=a.default_aid_type, vocabulary="1")
    if a.default_tied_status:
        _sub(el, "default-tied-status", code=a.default_tied_status)
    for b in a.budgets:
        bel = _sub(el, "budget", type_=b.type, status=b.status)
        _sub(bel, "period-start", iso_date=b.period_start.isoformat())
        _sub(bel, "period-end", iso_date=b.period_end.isoformat())
        _money(bel, b.value)
    for t in a.transactions:
        _transaction(el, t)
    for result in a.results:
        _result(el, result)


def _opt(value: Number | None) -> str | None:
    return None if value is None else _num(value)


def _location(parent: etree._Element, loc: Location) -> None:
    el = _sub(parent, "location", ref=loc.ref)
    if loc.reach:
        _sub(el, "location-reach", code=loc.reach)
    _narratives(_sub(el, "name"), loc.name)
    for adm in loc.administrative:
        _sub(el, "administrative", vocabulary=adm.vocabulary, code=adm.code, level=adm.level)
    if loc.point:
        point = _sub(el, "point", srsName="http://www.opengis.net/def/crs/EPSG/0/4326")
        _sub(point, "pos").text = f"{loc.point[0]} {loc.point[1]}"
    for tag, code in (("exactness", loc.exactness), ("location-class", loc.location_class),
                      ("feature-designation", loc.feature_designation)):  # fmt: skip
        if code:
            _sub(el, tag, code=code)


def _transaction(parent: etree._Element, t: Transaction) -> None:
    el = _sub(parent, "transaction", ref=t.ref)
    _sub(el, "transaction-type", code=t.type)
    _sub(el, "transaction-date", iso_date=t.date.isoformat())
    _money(el, t.value)
    if t.description:
        _narratives(_sub(el, "description"), t.description)
    if t.provider:
        _org(el, "provider-org", t.provider, provider_activity_id=t.provider.activity_id)
    if t.receiver:
        _org(el, "receiver-org", t.receiver, receiver_activity_id=t.receiver.activity_id)


# --- validating ---------------------------------------------------------------------------------------------


@cache
def _schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA), parser))


def schema_errors(document: bytes) -> list[str]:
    """The IATI 2.03 schema's complaints about a document (empty when it is valid)."""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    try:
        tree = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    schema = _schema()
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def export_activities(
    activities: Sequence[Activity],
    *,
    generated: datetime | None = None,
    required_languages: Sequence[str] = LANGUAGES,
) -> bytes:
    """The ``<iati-activities version="2.03">`` document (UTF-8 bytes) for the activities, or IatiError."""
    generated = generated or datetime.now(UTC)
    problems = [p for a in activities for p in check_activity(a, generated, required_languages)]
    if not activities:
        problems.append(_("no activity to export"))
    if problems:
        raise IatiError(problems)
    root = etree.Element("iati-activities", version="2.03")
    root.set("generated-datetime", generated.isoformat(timespec="seconds"))
    for activity in activities:
        _activity(root, activity)
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    errors = schema_errors(document)
    if errors:
        # The rules above should have caught it: the validator's own words (English) follow a lead the reader
        # understands, and the page shows them as program output.
        raise IatiError(
            [_("The file does not match the IATI 2.03 schema (a fault of Kafaat: report it).")], errors
        )
    return document


def export_activity(activity: Activity, **options: object) -> bytes:
    return export_activities([activity], **options)  # type: ignore[arg-type]
