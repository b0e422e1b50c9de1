"""Alerts: route changes and notices to channels through an outbox, and deliver each exactly once where possible.

The pipeline calls enqueue_changes / enqueue_notice / page_health inside its transactions and
deliver_pending after commit. See alerts/outbox.py for the delivery guarantees.
"""

from alerts.channels import CHANNELS, Channel, build_channel, register, validate_channels
from alerts.compose import Message, compose, sample_message
from alerts.errors import ChannelConfigError, DeliveryError
from alerts.health import page_health
from alerts.outbox import DeliveryReport, deliver_pending, enqueue_changes, enqueue_notice
from alerts.queue_admin import outbox_state, requeue
from alerts.redaction import channel_secrets, redact, secret_forms

__all__ = [
    "CHANNELS",
    "Channel",
    "ChannelConfigError",
    "DeliveryError",
    "DeliveryReport",
    "Message",
    "build_channel",
    "channel_secrets",
    "compose",
    "deliver_pending",
    "enqueue_changes",
    "enqueue_notice",
    "outbox_state",
    "page_health",
    "redact",
    "register",
    "requeue",
    "sample_message",
    "secret_forms",
    "validate_channels",
]
