"""Dagster resources of the alerts: where contacts and rules are, and the mail server (ENVMON_SMTP_*)."""

import os
from pathlib import Path

import dagster as dg

from assets.alerts.contacts import contacts_path
from assets.alerts.rules_config import rules_path
from assets.alerts.transport import SmtpSettings


class AlertSettings(dg.ConfigurableResource):
    """Contacts file (ENVMON_CONTACTS), rules file (ENVMON_ALERT_RULES), forecast CSV input (ENVMON_FORECAST_INPUT)."""

    contacts_file: str = ""
    rules_file: str = ""
    forecast_input: str = ""

    @property
    def contacts(self) -> Path:
        return Path(self.contacts_file) if self.contacts_file else contacts_path()

    @property
    def rules(self) -> Path:
        return Path(self.rules_file) if self.rules_file else rules_path()


class MailResource(dg.ConfigurableResource):
    """The SMTP server; with no host, mail is written as .eml files to <data>/outbox. The password is configured as
    ``dg.EnvVar("ENVMON_SMTP_PASSWORD")`` so the UI shows the variable's name, never its value."""

    host: str = ""
    port: int = 0
    security: str = "starttls"
    user: str = ""
    password: str = ""
    mail_from: str = ""
    ca_file: str = ""

    def smtp_settings(self) -> SmtpSettings:
        env = {"ENVMON_SMTP_HOST": self.host, "ENVMON_SMTP_PORT": str(self.port or ""),
               "ENVMON_SMTP_SECURITY": self.security, "ENVMON_SMTP_USER": self.user,
               "ENVMON_SMTP_PASSWORD": self.password, "ENVMON_MAIL_FROM": self.mail_from,
               "ENVMON_SMTP_CA_FILE": self.ca_file}
        return SmtpSettings.from_env(env)


def alert_resources() -> dict[str, dg.ConfigurableResource]:
    """The alert resources, from ENVMON_* variables (absent variables: the documented defaults)."""
    env = os.environ.get
    password = dg.EnvVar("ENVMON_SMTP_PASSWORD") if env("ENVMON_SMTP_PASSWORD") else ""
    return {
        "alerting": AlertSettings(contacts_file=env("ENVMON_CONTACTS", ""), rules_file=env("ENVMON_ALERT_RULES", ""),
                                  forecast_input=env("ENVMON_FORECAST_INPUT", "")),
        "mail": MailResource(host=env("ENVMON_SMTP_HOST", ""), port=int(env("ENVMON_SMTP_PORT") or 0),
                             security=env("ENVMON_SMTP_SECURITY", "starttls"), user=env("ENVMON_SMTP_USER", ""),
                             password=password, mail_from=env("ENVMON_MAIL_FROM", ""),
                             ca_file=env("ENVMON_SMTP_CA_FILE", "")),
    }
