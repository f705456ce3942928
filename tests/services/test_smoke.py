from workflow.domain.states import Role, State
from workflow.services.adaptations import perform_action, save_adaptation
from workflow.services.queries import credits_for
from tests.support.factories import drive, make_article, make_user, limits


def test_full_path(session):
    reporter = make_user(Role.REPORTER, name="Ahmad Abdallah")
    adaptor = make_user(Role.ADAPTOR, name="Nadine Sassine")
    editor = make_user(Role.EDITOR, name="Rima Haddad")
    article = make_article(reporter)
    adaptation = article.adaptations[0]
    drive(adaptation, State.IN_ADAPTATION, adaptor=adaptor)
    save_adaptation(session, adaptor, adaptation, title="T", body="B", version=adaptation.version, limits=limits())
    perform_action(session, adaptor, adaptation, "submit")
    perform_action(session, editor, adaptation, "approve")
    assert adaptation.state == "published"
    assert credits_for(session, adaptation).line == "A report by Ahmad Abdallah, English adaptation by Nadine Sassine"
