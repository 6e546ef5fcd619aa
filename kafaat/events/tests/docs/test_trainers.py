"""Trainers professionalised: certifying a completion (threshold, type, trainer), the counting definition."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied

from kafaat.contacts.models import Contact
from kafaat.events.models import Registration
from kafaat.events.outcomes import trainers

pytestmark = pytest.mark.django_db


def test_a_trainer_who_attended_is_certified_and_counted(module_world):
    manager, saidi = module_world["users"]["manager"], module_world["trainers"]["Saidi"]
    trainers.certify_completion(manager, saidi)
    saidi.refresh_from_db()
    assert saidi.completion_certified and saidi.completion_date == dt.date(2026, 4, 1)
    certified = trainers.professionalised()
    assert trainers.total_professionalised(certified) == 1
    assert trainers.professionalised_counts(certified, "sector") == {"mechanical": 1}
    assert trainers.professionalised_counts(certified, "sex") == {"F": 1}
    assert trainers.professionalised_counts(certified, "region") == {"MA-02": 1}


def test_below_the_threshold_is_refused(module_world):
    with pytest.raises(trainers.CompletionRefused):
        trainers.certify_completion(module_world["users"]["manager"], module_world["trainers"]["Fassi"])
    assert not Registration.objects.filter(completion_certified=True).exists()


def test_only_a_training_module_and_only_a_trainer(module_world):
    manager = module_world["users"]["manager"]
    with pytest.raises(trainers.CompletionRefused):
        trainers.certify_completion(manager, module_world["registrations"]["Alaoui"])  # a workshop
    saidi = module_world["trainers"]["Saidi"]
    Contact.objects.filter(pk=saidi.contact_id).update(is_trainer=False)
    saidi.refresh_from_db()
    with pytest.raises(trainers.CompletionRefused):
        trainers.certify_completion(manager, saidi)


def test_wrong_role_may_not_certify(module_world):
    for persona in ("caseworker_b", "donor"):
        with pytest.raises(PermissionDenied):
            trainers.certify_completion(module_world["users"][persona], module_world["trainers"]["Saidi"])


def test_a_trainer_is_counted_once_however_many_modules(module_world):
    manager, saidi = module_world["users"]["manager"], module_world["trainers"]["Saidi"]
    trainers.certify_completion(manager, saidi)
    second = module_world["module"]
    second.pk, second.uid = None, uuid.uuid4()
    second.save()
    Registration.objects.create(event=second, contact=saidi.contact, completion_certified=True)
    certified = trainers.professionalised()
    assert certified.count() == 2 and trainers.total_professionalised(certified) == 1
    assert trainers.professionalised_counts(certified, "sector") == {"mechanical": 1}


def test_filters_period_and_withdrawal(module_world):
    manager, saidi = module_world["users"]["manager"], module_world["trainers"]["Saidi"]
    trainers.certify_completion(manager, saidi)
    assert trainers.professionalised(start=dt.date(2026, 5, 1)).count() == 0
    assert trainers.professionalised(end=dt.date(2026, 4, 30), sex="F", region="MA-02").count() == 1
    assert trainers.professionalised(region="MA-01").count() == 0
    trainers.certify_completion(manager, saidi, certified=False)
    assert trainers.professionalised().count() == 0
