"""E-mail delivery for reminders: SMTP (``smtplib``) when ``CLEARANCE_SMTP_HOST`` is set, otherwise
none (reminders stay in the application). Implements ``services.ports.Mailer``."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from clearance.domain.errors import InfrastructureError


class SmtpMailer:
    def __init__(self, *, host: str, port: int, sender: str, user: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 10.0) -> None:  # fmt: skip
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    @property
    def enabled(self) -> bool:
        return True

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to, subject
        msg["Date"] = formatdate(localtime=False)
        # Stable per reminder: a copy sent twice after a crash is recognisable as the same message.
        msg["Message-ID"] = message_id
        msg.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise InfrastructureError(f"The mail server refused or is unreachable: {exc}") from exc


class NoMailer:
    """No SMTP server configured: reminders are shown in the application only."""

    @property
    def enabled(self) -> bool:
        return False

    def send(self, *, to: str, subject: str, body: str, message_id: str) -> None:
        raise InfrastructureError("No mail server is configured (CLEARANCE_SMTP_HOST).")
