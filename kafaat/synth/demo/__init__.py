"""The demo: organisations and log-ins, the Kafaat project, ~3,000 people with pathways, and each app's data.

Public entry points: `load_demo` (everything, in one transaction per part) with `DEMO_LOGINS`,
`DEMO_PASSWORD`, `PROJECT_CODE`; each app's loader (`load_training_demo`, `load_labour_demo`,
`load_observatory_demo`, `load_results_demo`, `load_governance_demo`) and `demo_contacts` (the
directory's demo contacts by role, for other apps' demos); `refresh_if_changed` (the warehouse, only
when the data changed). The parts: `loader` (organisations, log-ins, people), `accounts`, `training`,
`labour`, `observatory`, `results`, `contacts`, `governance` and `warehouse`.
"""

from kafaat.synth.demo.accounts import DEMO_PASSWORD
from kafaat.synth.demo.contacts import demo_contacts
from kafaat.synth.demo.event_documents import load_event_documents_demo
from kafaat.synth.demo.events import load_events_demo
from kafaat.synth.demo.governance import load_governance_demo
from kafaat.synth.demo.labour import load_labour_demo
from kafaat.synth.demo.loader import DEMO_LOGINS, DEMO_ORGANISATIONS, PROJECT_CODE, DemoLogin, load_demo
from kafaat.synth.demo.missions import load_missions_demo
from kafaat.synth.demo.observatory import load_observatory_demo
from kafaat.synth.demo.people import REGISTRARS, SEED, Registrar, demo_people, person_fields
from kafaat.synth.demo.results import INDICATORS, load_results_demo
from kafaat.synth.demo.training import COVID_YEAR, PROGRAMMES, load_training_demo
from kafaat.synth.demo.warehouse import refresh_if_changed

__all__ = [
    "COVID_YEAR",
    "DEMO_LOGINS",
    "DEMO_ORGANISATIONS",
    "DEMO_PASSWORD",
    "INDICATORS",
    "PROGRAMMES",
    "PROJECT_CODE",
    "REGISTRARS",
    "SEED",
    "DemoLogin",
    "Registrar",
    "demo_contacts",
    "demo_people",
    "load_demo",
    "load_governance_demo",
    "load_events_demo",
    "load_event_documents_demo",
    "load_labour_demo",
    "load_missions_demo",
    "load_observatory_demo",
    "load_results_demo",
    "load_training_demo",
    "person_fields",
    "refresh_if_changed",
]
