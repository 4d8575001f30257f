"""Email over SMTP: settings, the message, the send.

Settings come from environment variables, else from the ``[smtp]`` table of a TOML config
file (``--config``, ``$PROVENANCE_CONFIG`` or ``~/.config/provenance/config.toml``)::

    PROVENANCE_SMTP_HOST       smtp.example.org
    PROVENANCE_SMTP_PORT       587 (465 with SSL, 25 otherwise)
    PROVENANCE_SMTP_USER       login, when the server wants one
    PROVENANCE_SMTP_PASSWORD
    PROVENANCE_SMTP_STARTTLS   1/true/yes or 0/false/no
    PROVENANCE_SMTP_SSL        TLS from the first byte (port 465)
    PROVENANCE_SMTP_CAFILE     PEM bundle to trust instead of the system's
    PROVENANCE_SMTP_TIMEOUT    seconds, default 30
    PROVENANCE_MAIL_FROM       provenance <alerts@example.org>
    PROVENANCE_MAIL_TO         default recipients, comma-separated

A password is never sent over a connection that is not encrypted, except to a loopback
host. Recipients and sender are checked before any header is written, and the envelope
recipients are the checked addresses: nothing in a header can add one.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import ipaddress
import re
import smtplib
import ssl
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from ..errors import MailError

__all__ = [
    "SmtpSettings",
    "compose_message",
    "config_path",
    "connect",
    "load_config",
    "parse_addresses",
    "recipients_from",
    "send_message",
    "smtp_settings",
]

SmtpFactory = Callable[["SmtpSettings", ssl.SSLContext], smtplib.SMTP]


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    mail_from: str
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    ssl: bool = False
    cafile: str | None = None
    timeout: float = 30.0

    def __repr__(self) -> str:  # never print the password
        return (f"SmtpSettings(host={self.host!r}, port={self.port}, mail_from={self.mail_from!r}, "
                f"user={self.user!r}, starttls={self.starttls}, ssl={self.ssl}, cafile={self.cafile!r})")


def config_path(env: Mapping[str, str], given: Path | None = None) -> Path | None:
    """The config file to read: ``given``, ``$PROVENANCE_CONFIG``, or the user's one when it exists."""
    if given is not None:
        return given
    if env.get("PROVENANCE_CONFIG"):
        return Path(env["PROVENANCE_CONFIG"])
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else Path(env.get("HOME", "~")).expanduser() / ".config"
    default = base / "provenance" / "config.toml"
    return default if default.is_file() else None


def load_config(path: Path | None) -> dict[str, Any]:
    """The TOML config file as a dict; ``{}`` without one."""
    if path is None:
        return {}
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise MailError(f"cannot read the config file ({exc.strerror or exc})", source=str(path)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise MailError(f"invalid TOML ({exc})", source=str(path)) from exc


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _setting(env: Mapping[str, str], config: Mapping[str, Any], name: str, key: str) -> Any:
    if name in env:
        return env[name]
    return config.get(key)


def _flag(value: Any, name: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise MailError(f"{name}: expected true or false, got {value!r}")


def smtp_settings(env: Mapping[str, str], config: Mapping[str, Any]) -> SmtpSettings:
    """SMTP settings from environment variables, else the config file's ``[smtp]`` table."""
    smtp = config.get("smtp") or {}
    if not isinstance(smtp, Mapping):
        raise MailError("config: [smtp] must be a table")
    host = _setting(env, smtp, "PROVENANCE_SMTP_HOST", "host")
    if not host or not str(host).strip():
        raise MailError("no SMTP server: set PROVENANCE_SMTP_HOST or host in the [smtp] table of the config file")
    use_ssl = _flag(_setting(env, smtp, "PROVENANCE_SMTP_SSL", "ssl"), "PROVENANCE_SMTP_SSL")
    starttls = _flag(_setting(env, smtp, "PROVENANCE_SMTP_STARTTLS", "starttls"), "PROVENANCE_SMTP_STARTTLS")
    port_value = _setting(env, smtp, "PROVENANCE_SMTP_PORT", "port")
    try:
        port = int(port_value) if port_value not in (None, "") else (465 if use_ssl else 587 if starttls else 25)
        timeout = float(_setting(env, smtp, "PROVENANCE_SMTP_TIMEOUT", "timeout") or 30)
    except (TypeError, ValueError):
        raise MailError(f"PROVENANCE_SMTP_PORT or PROVENANCE_SMTP_TIMEOUT: expected a number, got {port_value!r}") from None
    mail_from = _setting(env, smtp, "PROVENANCE_MAIL_FROM", "from")
    if not mail_from:
        raise MailError("no sender: set PROVENANCE_MAIL_FROM or from in the [smtp] table of the config file")
    parse_addresses([str(mail_from)], what="PROVENANCE_MAIL_FROM")
    user = _setting(env, smtp, "PROVENANCE_SMTP_USER", "user") or None
    password = _setting(env, smtp, "PROVENANCE_SMTP_PASSWORD", "password") or None
    settings = SmtpSettings(
        host=str(host).strip(), port=port, mail_from=str(mail_from), user=user, password=password,
        starttls=starttls, ssl=use_ssl, cafile=_setting(env, smtp, "PROVENANCE_SMTP_CAFILE", "cafile") or None,
        timeout=timeout,
    )
    if settings.user and not (settings.ssl or settings.starttls) and not _is_loopback(settings.host):
        raise MailError(
            f"refusing to send the SMTP password to {settings.host} unencrypted: "
            "set PROVENANCE_SMTP_STARTTLS=1 (or PROVENANCE_SMTP_SSL=1)"
        )
    return settings


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_ADDR = re.compile(r"[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+")


def parse_addresses(values: Sequence[str], *, what: str = "--to") -> list[str]:
    """The addr-specs of ``values`` (each may hold several, comma-separated); MailError for anything odd."""
    addresses: list[str] = []
    for value in values:
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise MailError(f"{what}: control characters in address {value!r}")
        parsed = [addr for _, addr in email.utils.getaddresses([value])]
        # getaddresses() forgives a lot: every address must be whole, and nothing left over
        if value.count("<") != value.count(">") or value.count("@") != len(parsed):
            raise MailError(f"{what}: not an email address: {value!r}")
        for addr in parsed:
            if not _ADDR.fullmatch(addr):
                raise MailError(f"{what}: not an email address: {value!r}")
            addresses.append(addr)
    if not addresses and values:
        raise MailError(f"{what}: not an email address: {values[0]!r}")
    return addresses


def recipients_from(env: Mapping[str, str], config: Mapping[str, Any], given: Sequence[str]) -> list[str]:
    """--to, else $PROVENANCE_MAIL_TO, else ``to`` in the config file's ``[report]`` table."""
    if given:
        return parse_addresses(given)
    if env.get("PROVENANCE_MAIL_TO"):
        return parse_addresses([env["PROVENANCE_MAIL_TO"]], what="PROVENANCE_MAIL_TO")
    configured = (config.get("report") or {}).get("to")
    if isinstance(configured, str):
        configured = [configured]
    if configured:
        return parse_addresses([str(v) for v in configured], what="config [report] to")
    raise MailError("no recipients: give --to ADDRESS, set PROVENANCE_MAIL_TO, or to in the [report] table")


def compose_message(
    *, subject: str, text: str, html: str, sender: str, recipients: Sequence[str], now: dt.datetime,
    images: Sequence[tuple[str, bytes]] = (),
) -> EmailMessage:
    """A multipart/alternative message: the text part, then the HTML part with ``images`` (Content-ID, PNG)
    attached to it (multipart/related), which the HTML shows as ``cid:`` sources."""
    parse_addresses([sender], what="sender")
    safe_subject = " ".join(re.sub(r"[\x00-\x1f\x7f\u2028\u2029]", " ", subject).split())
    message = EmailMessage(policy=email.policy.SMTP)
    message["Subject"] = safe_subject
    message["From"] = sender
    message["To"] = ", ".join(parse_addresses(list(recipients)))
    message["Date"] = email.utils.format_datetime(now.astimezone(dt.timezone.utc))
    domain = parse_addresses([sender], what="sender")[0].rsplit("@", 1)[1]
    message["Message-ID"] = email.utils.make_msgid("provenance-report", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    html_part = message.get_body(("html",))
    for cid, png in images:
        assert html_part is not None
        html_part.add_related(png, "image", "png", cid=f"<{cid}>", filename=f"{cid.split('@')[0]}.png")
    return message


def connect(settings: SmtpSettings, context: ssl.SSLContext) -> smtplib.SMTP:
    """An SMTP connection as the settings ask: TLS from the start, or plain (STARTTLS follows)."""
    if settings.ssl:
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def send_message(
    message: EmailMessage, settings: SmtpSettings, *, recipients: Sequence[str], smtp_factory: SmtpFactory = connect,
) -> dict[str, tuple[int, bytes]]:
    """Send ``message`` to ``recipients``; the recipients the server refused (the others got it)."""
    where = f"{settings.host}:{settings.port}"
    try:
        context = ssl.create_default_context(cafile=settings.cafile)
    except (OSError, ssl.SSLError) as exc:
        raise MailError(f"cannot load the CA file ({exc})", source=settings.cafile) from exc
    try:
        with smtp_factory(settings, context) as smtp:
            smtp.ehlo()
            if settings.starttls and not settings.ssl:
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            sender = parse_addresses([settings.mail_from], what="sender")[0]
            refused = smtp.send_message(message, from_addr=sender, to_addrs=list(recipients))
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"SMTP login refused ({exc.smtp_code} {_reply(exc.smtp_error)})", source=where) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise MailError(f"every recipient was refused ({', '.join(exc.recipients)})", source=where) from exc
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"SMTP error {exc.smtp_code} {_reply(exc.smtp_error)}", source=where) from exc
    except smtplib.SMTPException as exc:
        raise MailError(f"SMTP failure ({exc})", source=where) from exc
    except ssl.SSLError as exc:
        raise MailError(f"TLS failure ({exc.reason or exc})", source=where) from exc
    except OSError as exc:
        raise MailError(f"cannot reach the SMTP server ({exc.strerror or exc})", source=where) from exc
    return dict(refused)


def _reply(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
