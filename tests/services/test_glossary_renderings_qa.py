"""Several accepted renderings per glossary term, and forbidden ones that QA flags as errors."""

from __future__ import annotations

import pytest

from tests.support.factories import drive, limits, make_article, make_user
from workflow.domain.states import Role, State
from workflow.services import glossary
from workflow.services.adaptations import save_adaptation
from workflow.services.errors import Conflict, InvalidInput
from workflow.services.qa import check_before_submit, findings_for

TITLE = "المسلحون في المدينة"
BODY = "قال بوتين إن المسلحين دخلوا المدينة."


@pytest.fixture()
def editor(session):
    return make_user(Role.EDITOR)


@pytest.fixture()
def adaptor(session):
    return make_user(Role.ADAPTOR)


@pytest.fixture()
def adaptation(session, editor, adaptor):
    for data in (
        glossary.TermInput.parse(
            {
                "source_lang": "ar",
                "target_lang": "en",
                "source": "بوتين",
                "target": "Putin",
                "alternatives": ["Vladimir Putin", "President Putin"],
                "forbidden": ["Poutine"],
            }
        ),
        glossary.TermInput.parse(
            {
                "source_lang": "ar",
                "target_lang": "en",
                "source": "المسلحين",
                "target": "gunmen",
                "alternatives": ["armed men"],
                "forbidden": ["terrorists", "thugs"],
            }
        ),
    ):
        glossary.create_term(session, editor, data)
    session.commit()
    adaptation = make_article(make_user(Role.REPORTER), title=TITLE, body=BODY).adaptations[0]
    return drive(adaptation, State.IN_ADAPTATION, adaptor=adaptor)


def write(session, adaptation, who, title, body):
    save_adaptation(
        session, who, adaptation, title=title, body=body, version=adaptation.version, limits=limits()
    )
    session.commit()


def errors(session, adaptation):
    return sorted((r.check, r.key) for r in findings_for(session, adaptation) if r.blocking)


def test_any_accepted_rendering_satisfies_the_glossary(session, adaptation, adaptor):
    write(
        session,
        adaptation,
        adaptor,
        "Armed men in the city",
        "Vladimir Putin said armed men entered the city.",
    )
    assert errors(session, adaptation) == []
    write(session, adaptation, adaptor, "Men in the city", "The president said men entered the city.")
    assert errors(session, adaptation) == [("glossary", "المسلحين"), ("glossary", "بوتين")]
    message = next(r.message for r in findings_for(session, adaptation) if r.key == "بوتين")
    assert "Putin (or Vladimir Putin, President Putin)" in message


def test_a_forbidden_rendering_is_an_error_that_blocks_submission(session, adaptation, adaptor):
    write(
        session,
        adaptation,
        adaptor,
        "Gunmen in the city",
        "Putin said the Terrorists, gunmen all, entered the city.",
    )
    found = [r for r in findings_for(session, adaptation) if r.check == "forbidden"]
    assert [(r.severity, r.key) for r in found] == [("error", "terrorists")]
    assert "house style avoids" in found[0].message and "Write gunmen instead" in found[0].message
    with pytest.raises(Conflict) as refused:
        check_before_submit(session, adaptation)
    assert refused.value.code == "qa_failed"
    write(session, adaptation, adaptor, "Gunmen in the city", "Putin said gunmen entered the city.")
    assert errors(session, adaptation) == []


def test_renderings_are_checked_when_a_term_is_saved(session, editor):
    base = {"source_lang": "ar", "target_lang": "en", "source": "بوتين", "target": "Putin"}
    with pytest.raises(InvalidInput) as clash:
        glossary.TermInput.parse({**base, "alternatives": ["V. Putin"], "forbidden": ["v.  putin"]})
    assert clash.value.field == "forbidden"
    with pytest.raises(InvalidInput) as not_a_list:
        glossary.TermInput.parse({**base, "alternatives": [3]})
    assert not_a_list.value.field == "alternatives"
    parsed = glossary.TermInput.parse({**base, "alternatives": "Putin\nV. Putin; Vladimir Putin\nV. PUTIN"})
    assert parsed.alternatives == ("V. Putin", "Vladimir Putin")  # the preferred and repeats dropped
