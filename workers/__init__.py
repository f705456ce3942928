"""Celery side of Adaptdesk: the Celery app bound to the Flask factory, tasks, and the MT engine."""
