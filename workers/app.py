"""The module `celery -A workers.app` imports: the Flask app and its Celery app, built from the environment."""

from workflow import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
