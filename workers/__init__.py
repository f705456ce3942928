"""The Celery side of Adaptdesk: the module `celery -A workers.app` imports, and the thin tasks
(`workers.tasks`). Everything they call lives in workflow/, which never imports this package."""
