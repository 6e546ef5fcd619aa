"""The documents' demo: every part present (scores, anonymous answers, certificates) and loading it again
changes nothing."""

import pytest

from kafaat.core.models import Organisation
from kafaat.events.documents import certificate_pdf
from kafaat.events.models import Certificate, Event, SurveyResponse
from kafaat.events.outcomes import scores
from kafaat.events.tests.docs.pdf_text import pdf_text
from kafaat.synth.demo.event_documents import load_event_documents_demo

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(territory):
    from kafaat.training.models import Sector
    from kafaat.training.sectors import load_sectors

    if not Sector.objects.exists():
        load_sectors(Sector)
    Organisation.objects.create(
        code="agence-kafaat",
        type="implementing_agency",
        territory=territory("04.421"),
        name_fr="Agence Kafaat",
    )
    created = load_event_documents_demo()
    assert created["document_events"] == 1 and created["certificates"] == 10
    assert load_event_documents_demo() == dict.fromkeys(created, 0)
    assert Event.objects.count() == 1
    workshop = Event.objects.get(type="capacity_building")
    knowledge = scores.knowledge_summary(workshop, suppress=True)
    assert knowledge.n == 10 and knowledge.averages["gain"] is not None
    assert SurveyResponse.objects.filter(registration__isnull=True).count() == 6
    arabic = Certificate.objects.filter(language="ar").first()
    assert "شهادة" in pdf_text(certificate_pdf(arabic))
