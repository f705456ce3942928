"""An outbox that keeps draft jobs instead of sending them: for apps whose commits must reach no broker
(the shared test app, the benchmark's app). It stands in for the app's DraftOutbox in `app.extensions`."""

from __future__ import annotations

from flask import Flask

from workflow.services.outbox import OUTBOX


class HeldDraftJobs:
    """Draft ids the app would have sent, in order; nothing is sent or marked dispatched."""

    def __init__(self) -> None:
        self.held: list[int] = []
        self.held_deliveries: list[int] = []
        self.held_mails: list[int] = []
        self.held_digests: list[int] = []

    def send(self, draft_ids: list[int], request_id: str = "") -> list[int]:
        """Keep the ids; none was sent."""
        self.held.extend(draft_ids)
        return []

    def send_deliveries(self, delivery_ids: list[int], request_id: str = "") -> list[int]:
        """Keep the webhook delivery ids; none was sent."""
        self.held_deliveries.extend(delivery_ids)
        return []

    def send_mails(self, notification_ids: list[int], request_id: str = "") -> list[int]:
        """Keep the ids of notifications to mail; none was sent."""
        self.held_mails.extend(notification_ids)
        return []

    def send_digests(self, digest_ids: list[int], request_id: str = "") -> list[int]:
        """Keep the ids of daily digests to mail; none was sent."""
        self.held_digests.extend(digest_ids)
        return []

    def relay_mails(self) -> list[int]:
        """Nothing is relayed."""
        return []

    def relay(self) -> list[int]:
        """Nothing is relayed."""
        return []

    def relay_deliveries(self) -> list[int]:
        """Nothing is relayed."""
        return []


def hold_draft_jobs(app: Flask) -> HeldDraftJobs:
    """Give `app` an outbox that sends nothing, and return it."""
    held = app.extensions[OUTBOX] = HeldDraftJobs()
    return held
