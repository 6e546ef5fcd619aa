"""The users of benchmarks/load.py, as Locust runs them (`locust -f benchmarks/load_users.py`).

Not a benchmark of its own: `load.py` starts Locust on this file with the scenario it prepared (log-ins,
people each case worker may open, what they search for and type) in the JSON file named by
`KAFAAT_LOAD_SCENARIO`. Locust patches the standard library with gevent when imported, which is why it runs
in its own process and this module imports nothing of Kafaat's.

Three kinds of user, as many as the scenario says of each: case workers (search, a person's page, the
caseload, recording a step, the likely-matches panel while registering), programme managers (the results
dashboard) and analysts (the observatory dashboard and the charts it loads). Every request that is not what
the page should answer (a redirect to the log-in page, a 4xx or 5xx, a refusal of the matches panel) is a
failure in Locust's statistics.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from datetime import date

import gevent
from locust import HttpUser, between, events, task

with open(os.environ["KAFAAT_LOAD_SCENARIO"], encoding="utf-8") as handle:
    SCENARIO = json.load(handle)
PASSWORD = SCENARIO["password"]
_accounts = {kind: itertools.cycle(SCENARIO[kind]) for kind in ("caseworkers", "managers", "analysts")}
_CHART = re.compile(r'class="chart-loading"[^>]*hx-get="([^"]+)"')
# A bound on requests besides Locust's on users and time: the run stops when it is reached.
MAX_REQUESTS = int(os.environ.get("KAFAAT_LOAD_MAX_REQUESTS", "200000"))
_state: dict = {"sent": 0, "environment": None}


@events.init.add_listener
def _keep_environment(environment, **_kwargs) -> None:
    _state["environment"] = environment


@events.request.add_listener
def _bound_requests(**_kwargs) -> None:
    _state["sent"] += 1
    if _state["sent"] == MAX_REQUESTS and _state["environment"] is not None:
        gevent.spawn(_state["environment"].runner.quit)


@events.init_command_line_parser.add_listener
def _options(parser) -> None:
    parser.add_argument("--think-min", type=float, default=1.0, env_var="KAFAAT_LOAD_THINK_MIN")
    parser.add_argument("--think-max", type=float, default=3.0, env_var="KAFAAT_LOAD_THINK_MAX")


class _Signed(HttpUser):
    abstract = True
    kind = ""
    # A request unanswered after a minute is a failure, counted, not lost when the run ends.
    connection_timeout = 10.0
    network_timeout = 60.0

    def wait_time(self) -> float:
        options = self.environment.parsed_options
        return between(options.think_min, options.think_max)(self)

    def on_start(self) -> None:
        self.account = next(_accounts[self.kind])
        self.client.cookies.set("django_language", self.account.get("language", "fr"))
        self.client.get("/login/", name="log-in")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/login/",
            {"username": self.account["username"], "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="log-in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"log-in refused for {self.account['username']}")

    def page(self, url: str, name: str, **kwargs) -> str:
        """GET a page; a redirect (to the log-in page) or an error is a failure."""
        with self.client.get(
            url, name=name, allow_redirects=False, catch_response=True, **kwargs
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
            return response.text or ""


class CaseWorker(_Signed):
    kind = "caseworkers"
    fixed_count = int(os.environ.get("KAFAAT_LOAD_CASEWORKERS", "12"))

    @task(4)
    def search(self) -> None:
        self.page("/people/", "search", params={"q": random.choice(self.account["searches"])})

    @task(4)
    def person(self) -> None:
        self.page(f"/people/{random.choice(self.account['people'])}/", "person page")

    @task(2)
    def caseload(self) -> None:
        self.page("/caseload/", "caseload")

    @task(1)
    def record_step(self) -> None:
        person = random.choice(self.account["people"])
        data = {
            "kind": "assessment",
            "project": self.account["project"],
            "date": date.today().isoformat(),
            "skill_level": random.choice(["1", "2", "3"]),
            "outcome": "load test",
            "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
        }
        with self.client.post(
            f"/people/{person}/steps/new/",
            data,
            name="record step",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/login/" in response.headers.get("Location", ""):
                response.failure(f"step not recorded: {response.status_code}")

    @task(2)
    def registration_panel(self) -> None:
        typed = random.choice(self.account["registrations"])
        with self.client.get(
            "/people/new/matches/",
            params=typed,
            headers={"HX-Request": "true"},
            name="registration panel",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for the matches panel")
            elif 'id="matches-refused"' in response.text:  # its rate limit: no case worker should meet it
                response.failure("the matches panel refused (rate limit)")


class Manager(_Signed):
    kind = "managers"
    fixed_count = int(os.environ.get("KAFAAT_LOAD_MANAGERS", "2"))

    @task
    def results(self) -> None:
        self.page(f"/results/{self.account['project_code']}/", "results dashboard")


class Analyst(_Signed):
    kind = "analysts"
    fixed_count = int(os.environ.get("KAFAAT_LOAD_ANALYSTS", "2"))

    @task
    def observatory(self) -> None:
        text = self.page("/observatory/", "observatory dashboard", params=self.account.get("filters", {}))
        for url in _CHART.findall(text):  # what htmx loads right after the page, when not prewarmed
            self.page(url.replace("&amp;", "&"), "observatory chart")
