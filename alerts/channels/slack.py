"""Slack incoming webhook: Block Kit with a `text` fallback; the webhook URL comes from the environment."""

from __future__ import annotations

from alerts.channels import IDEMPOTENCY_HEADER, Channel, Option, register, secret_from_env
from alerts.channels.posting import post_json
from alerts.compose import Message


@register("slack")
class SlackChannel(Channel):
    OPTIONS = {  # noqa: RUF012
        "webhook_url_env": Option((str,), required=True),
        "timeout": Option((int, float), default=15, bounds=(0.001, 3600)),
    }

    def send(self, message: Message, *, key: str) -> str:
        url = secret_from_env(self.options["webhook_url_env"], "Slack webhook URL")
        payload = dict(message.slack_payload)
        blocks = [dict(b) for b in payload.get("blocks", [])]
        if blocks:
            blocks[0]["block_id"] = key[:255]  # visible in the posted message: a repeat can be spotted
        payload["blocks"] = blocks
        return post_json(url, payload, headers={IDEMPOTENCY_HEADER: key}, timeout=float(self.options["timeout"]))
