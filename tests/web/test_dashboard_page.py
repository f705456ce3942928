"""The editors' dashboard: tables per adaptor, pair and model, inline SVG charts, period filter, access."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.support.factories import finish_draft, make_article, make_user
from tests.web.test_desk_support import get, person_client
from workflow.domain.states import Role
from workflow.models import EditingTime, utcnow
from workflow.services.adaptations import perform_action

PLAIN_BODY = "استقبلت بيونغ يانغ الرئيس الروسي بالأعلام.\n\nووقع الطرفان اتفاقية شراكة جديدة."


def _submitted(session, adaptor, *, model: str, score: float, seconds: int = 0, target: str = "en"):
    adaptation = make_article(body=PLAIN_BODY, targets=[target]).adaptations[0]
    finish_draft(adaptation).model = model
    perform_action(session, adaptor, adaptation, "claim")
    perform_action(session, adaptor, adaptation, "submit")
    adaptation.rounds[-1].effort_score = score
    if seconds:
        session.add(EditingTime(adaptation_id=adaptation.id, user_id=adaptor.id, seconds=seconds))
    session.commit()
    return adaptation


@pytest.fixture()
def crafted(session):
    nadine = make_user(Role.ADAPTOR, name="Nadine Sassine")
    omar = make_user(Role.ADAPTOR, name="عمر خليل")
    _submitted(session, nadine, model="argos ar→en 1.0", score=12.0, seconds=900)
    _submitted(session, nadine, model="argos ar→en 1.0", score=18.0, seconds=300)
    _submitted(session, omar, model="argos ar→fr 0.9", score=95.0, target="fr")
    return nadine, omar


def test_editors_see_effort_per_adaptor_pair_and_model_with_charts(app, session, crafted):
    nadine, omar = crafted
    client, _editor = person_client(app, Role.EDITOR)
    page = get(client, "/desk/dashboard")
    assert page.status == 200, page.text[:300]

    by_adaptor = page.find("table", id="table-adaptor")
    assert by_adaptor.find("caption").text == "Effort per adaptor"
    row = by_adaptor.find("tr", data_key=nadine.username)
    cells = [" ".join(c.text.split()) for c in row.find_all("td")]
    assert row.find("th").text.strip() == "Nadine Sassine"
    assert cells == ["2", "15.0", "10.0", "1.0"]
    omar_name = by_adaptor.find("tr", data_key=omar.username).find("bdi")
    assert (omar_name.text, omar_name.get("dir")) == ("عمر خليل", "auto")

    pairs = page.find("table", id="table-pair")
    french = pairs.find("tr", data_key="ar-fr").find_all("td")
    assert [" ".join(c.text.split()) for c in french][:2] == ["1", "95.0"]
    models = page.find("table", id="table-model")
    assert "argos ar→en 1.0" in models.find("tr", data_key="argos ar→en 1.0").text

    charts = page.find_all("svg", class_="chart-svg")
    assert len(charts) == 4
    for chart in charts:
        assert chart.get("role") == "img"
        title_id, desc_id = chart.get("aria-labelledby").split()
        assert chart.find("title", id=title_id).text and chart.find("desc", id=desc_id).text
    model_chart = page.find("svg", aria_labelledby="chart-model-title chart-model-desc")
    assert "argos ar→fr 0.9: 95" in model_chart.find("desc").text
    widths = {
        bar.parent.find("text", class_="chart-label").text: float(bar.get("width"))
        for bar in model_chart.find_all("rect", class_="chart-bar")
    }
    assert widths["argos ar→fr 0.9"] > widths["argos ar→en 1.0"] > 0
    # CSP: no inline style attributes and no inline scripts.
    assert not re.search(r"\sstyle=", page.html)
    assert all(script.has("src") for script in page.find_all("script"))


def test_the_period_filter_narrows_and_refuses_bad_dates(app, session, crafted):
    client, _editor = person_client(app, Role.EDITOR)
    old = (utcnow() - timedelta(days=400)).date().isoformat()
    page = get(client, f"/desk/dashboard?from={old}&to={old}")
    assert page.status == 200
    assert "No adaptation was submitted for review in this period." in page.text
    assert page.find("input", name="from").get("value") == old

    page = get(client, "/desk/dashboard?from=2026-02-30")
    assert page.status == 400
    assert "'from' must be a date" in page.alert()
    assert page.find("input", name="from").get("aria-invalid") == "true"
    page = get(client, "/desk/dashboard?from=2026-03-01&to=2026-02-01")
    assert page.status == 400 and "is after 'to'" in page.alert()


@pytest.mark.parametrize("role", [Role.ADAPTOR, Role.REPORTER, Role.ADMIN])
def test_only_editors_open_the_dashboard(app, session, role):
    client, _person = person_client(app, role)
    assert client.get("/desk/dashboard").status_code == 403


def test_nobody_is_sent_to_log_in(client):
    response = client.get("/desk/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
