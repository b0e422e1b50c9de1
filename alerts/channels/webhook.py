"""Generic webhook: a JSON POST of the change records (Teams/Discord bridges, automation)."""

from __future__ import annotations

from alerts.channels import IDEMPOTENCY_HEADER, Channel, Option, register, secret_from_env
from alerts.channels.posting import post_json
from alerts.compose import Message


@register("webhook")
class WebhookChannel(Channel):
    OPTIONS = {  # noqa: RUF012
        "url_env": Option((str,), required=True),
        "timeout": Option((int, float), default=15, bounds=(0.001, 3600)),
    }

    def send(self, message: Message, *, key: str) -> str:
        url = secret_from_env(self.options["url_env"], "webhook URL")
        payload = {"idempotency_key": key, **message.json}
        return post_json(url, payload, headers={IDEMPOTENCY_HEADER: key}, timeout=float(self.options["timeout"]))
