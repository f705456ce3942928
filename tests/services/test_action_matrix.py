"""Every action × state × actor through the real services on the real database."""

from __future__ import annotations

import pytest

from tests.state_matrix import ACTIONS, ACTORS, ALL_STATES, expected
from tests.support.factories import drive, make_article, make_user
from workflow.domain.priority import Priority
from workflow.domain.states import Role, State
from workflow.models import HistoryEntry
from workflow.services.adaptations import perform_action
from workflow.services.errors import ServiceError


@pytest.fixture()
def people(session):
    return {
        "own_reporter": make_user(Role.REPORTER),
        "other_reporter": make_user(Role.REPORTER),
        "holder": make_user(Role.ADAPTOR),
        "other_adaptor": make_user(Role.ADAPTOR),
        "editor": make_user(Role.EDITOR),
        "admin": make_user(Role.ADMIN),
    }


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("kind", ACTORS)
def test_actions_in_state(session, people, state, kind):
    adaptation = make_article(people["own_reporter"]).adaptations[0]
    drive(adaptation, State(state), adaptor=people["holder"], editor=make_user(Role.EDITOR))
    for action in ACTIONS:
        savepoint = session.begin_nested()
        before = session.query(HistoryEntry).filter_by(adaptation_id=adaptation.id).count()
        try:
            perform_action(
                session,
                people[kind],
                adaptation,
                action,
                comment="A reason.",
                assignee=people["other_adaptor"].username,
                priority=Priority.URGENT,
            )
            got = 200
        except ServiceError as exc:
            got = exc.status
        if got == 200:
            after = session.query(HistoryEntry).filter_by(adaptation_id=adaptation.id).count()
            assert after == before + 1, f"{action} recorded no history"
        savepoint.rollback()
        session.expire_all()
        assert got == expected(action, state, kind), (action, state, kind)
