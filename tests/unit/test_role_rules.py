"""Who may do what outside the adaptation state table: users, glossary, QA overrides, reports."""

from __future__ import annotations

import pytest

from workflow.domain.rules import (
    Actor,
    can_edit_glossary,
    can_manage_users,
    can_override_qa,
    can_read_reports,
    can_retry_drafts,
    can_submit_article,
    can_view_work_queue,
)
from workflow.domain.states import Role

RULES = {
    can_submit_article: {Role.REPORTER},
    can_view_work_queue: {Role.ADAPTOR, Role.EDITOR},
    can_manage_users: {Role.ADMIN},
    can_edit_glossary: {Role.EDITOR},
    can_override_qa: {Role.EDITOR},
    can_read_reports: {Role.EDITOR},
    can_retry_drafts: {Role.ADMIN},
}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_each_rule_allows_exactly_its_roles(rule, role):
    assert rule(Actor(id=7, roles=frozenset({role}))) is (role in RULES[rule])


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_nobody_without_a_role_is_allowed_and_any_holder_of_the_role_is(rule):
    assert rule(Actor(id=7, roles=frozenset())) is False
    assert rule(Actor(id=7, roles=frozenset(Role))) is True
