"""Email over SMTP (smtplib): STARTTLS, implicit TLS or plain; optional login; plain text + HTML.

Named mailer.py so it does not read as the standard library's `email` package.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from alerts.channels import IDEMPOTENCY_HEADER, Channel, Option, register, secret_from_env
from alerts.compose import Message
from alerts.errors import ChannelConfigError, DeliveryError

DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}


@register("email")
class EmailChannel(Channel):
    OPTIONS = {  # noqa: RUF012
        "host": Option((str,), required=True),
        "port": Option((int,), bounds=(1, 65535)),
        "security": Option((str,), default="starttls", choices=("starttls", "tls", "none")),
        "from": Option((str,), required=True),
        "to": Option((str, list), required=True),
        "username": Option((str,)),
        "username_env": Option((str,)),
        "password_env": Option((str,)),
        "ca_file": Option((str,)),  # a private CA or self-signed relay certificate to trust
        "timeout": Option((int, float), default=30, bounds=(0.001, 3600)),
    }

    def __init__(self, name: str, options: Mapping[str, Any]) -> None:
        super().__init__(name, options)
        to = self.options["to"]
        self.recipients = [to] if isinstance(to, str) else to
        if not self.recipients or not all(isinstance(r, str) and "@" in r for r in self.recipients):
            raise ChannelConfigError(name, "to", "expected an address or a list of addresses")
        if self.options["username"] and self.options["username_env"]:
            raise ChannelConfigError(name, "username_env", "give username or username_env, not both")
        has_user = bool(self.options["username"] or self.options["username_env"])
        if has_user != bool(self.options["password_env"]):
            raise ChannelConfigError(name, "password_env", "a login needs both a user and password_env")

    def build(self, message: Message, *, key: str) -> EmailMessage:
        msg = EmailMessage()
        msg["Subject"] = message.subject
        msg["From"] = self.options["from"]
        msg["To"] = ", ".join(self.recipients)
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = f"<{re.sub(r'[^A-Za-z0-9.-]', '.', key)}@tipwatch>"
        msg[IDEMPOTENCY_HEADER] = key
        msg.set_content(message.text)
        msg.add_alternative(message.html, subtype="html")
        return msg

    def send(self, message: Message, *, key: str) -> str:
        msg = self.build(message, key=key)
        try:
            return self._transmit(msg)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"login refused: {_reply(exc)}", permanent=True) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            detail = "; ".join(f"{r}: {c} {_text(m)}" for r, (c, m) in exc.recipients.items())
            raise DeliveryError(f"recipients refused: {detail}", permanent=any(c >= 500 for c in codes)) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"server answered {_reply(exc)}", permanent=exc.smtp_code >= 500) from None
        except (smtplib.SMTPNotSupportedError, ssl.SSLCertVerificationError) as exc:
            raise DeliveryError(f"cannot talk to the server: {exc}", permanent=True) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"cannot reach {self._where()}: {exc}", permanent=False) from None

    def _transmit(self, msg: EmailMessage) -> str:
        security = self.options["security"]
        host, port = self.options["host"], self.options["port"] or DEFAULT_PORTS[security]
        timeout = float(self.options["timeout"])
        context = ssl.create_default_context(cafile=self.options["ca_file"])
        if security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if security == "starttls":
                smtp.starttls(context=context)
            if self.options["password_env"]:
                user = self.options["username"] or secret_from_env(self.options["username_env"], "SMTP user")
                try:
                    smtp.login(user, secret_from_env(self.options["password_env"], "SMTP password"))
                except UnicodeEncodeError:
                    # The error would quote a character of the password and its position.
                    raise DeliveryError(
                        "login failed: the SMTP password or user has non-ASCII characters, which SMTP login "
                        "cannot carry",
                        permanent=True,
                    ) from None
            sender = self.options["from"]
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            refused = {}
            for rcpt in self.recipients:
                code, reply = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    refused[rcpt] = (code, reply)
            if len(refused) == len(self.recipients):
                smtp.rset()
                raise smtplib.SMTPRecipientsRefused(refused)
            code, reply = smtp.data(msg.as_bytes(policy=policy.SMTP))
            if code != 250:  # data() returns the final reply instead of raising
                raise smtplib.SMTPDataError(code, reply)
        answer = f"{code} {_text(reply)}"
        if refused:
            answer += "; refused: " + ", ".join(refused)
        return answer

    def _where(self) -> str:
        return f"{self.options['host']}:{self.options['port'] or DEFAULT_PORTS[self.options['security']]}"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _reply(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_text(exc.smtp_error)}"
