"""provenance report --email against a real SMTP server: aiosmtpd on loopback, STARTTLS and login."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import re
import shlex
import socket
import sqlite3
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from typer.testing import CliRunner

from provenance.outputs import outbox
from provenance.cli.app import app
from provenance.errors import MailError
from provenance.outputs.mail import (
    SmtpSettings,
    parse_addresses,
    recipients_from,
    smtp_settings,
)
from provenance.outputs.outbox import Window, report_lock, send_report

from .conftest import ROOT
from .examples_db import add_findings, article_id, audited_examples, copy_db

USER, PASSWORD = "reporter", "s3cret pass"


# --- a real SMTP server ------------------------------------------------------------------------


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    """What the server accepted, and who logged in how."""

    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)  # a slow server: keeps the sender inside its lock
        content = envelope.original_content or b""
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword) and (data.login, data.password) == (USER.encode(), PASSWORD.encode()):
            self.logins.append((mechanism, data.login.decode()))
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@dataclass
class SmtpServer:
    port: int
    cafile: Path
    mailbox: Mailbox

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "PROVENANCE_SMTP_HOST": "127.0.0.1", "PROVENANCE_SMTP_PORT": str(self.port),
            "PROVENANCE_SMTP_STARTTLS": "true", "PROVENANCE_SMTP_USER": USER, "PROVENANCE_SMTP_PASSWORD": PASSWORD,
            "PROVENANCE_SMTP_CAFILE": str(self.cafile), "PROVENANCE_MAIL_FROM": "Provenance <alerts@newsroom.example>",
            "PROVENANCE_DATASETTE_URL": "http://127.0.0.1:8001", **extra,
        }

    def settings(self) -> SmtpSettings:
        return smtp_settings(self.env(), {})


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, made here."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "provenance test SMTP")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    directory = tmp_path_factory.mktemp("tls")
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=["PLAIN", "LOGIN"])
def smtp_server(request: pytest.FixtureRequest, certificate: tuple[Path, Path]) -> Iterator[SmtpServer]:
    """aiosmtpd on 127.0.0.1 that requires STARTTLS, and a login with one mechanism, before any mail."""
    cert_path, key_path = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    mailbox = Mailbox()
    other = {"PLAIN": "LOGIN", "LOGIN": "PLAIN"}[request.param]
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=_free_port(), tls_context=context, require_starttls=True,
        authenticator=mailbox.authenticate, auth_required=True, auth_require_tls=True,
        auth_exclude_mechanism=[other],
    )
    controller.start()
    try:
        yield SmtpServer(controller.port, cert_path, mailbox)
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return audited_examples(tmp_path_factory)


@pytest.fixture
def db_path(examples_db: Path, tmp_path: Path) -> Path:
    path = copy_db(examples_db, tmp_path)
    add_findings(path)
    return path


def _email(db_path: Path, server: SmtpServer, *args: str, **env: str) -> Any:
    return CliRunner().invoke(app, ["report", "--email", "--db", str(db_path), *args], env=server.env(**env))


def _reported(db_path: Path) -> tuple[list[tuple[Any, ...]], int]:
    conn = sqlite3.connect(db_path)
    try:
        reports = conn.execute("SELECT id, status, items, recipients FROM reports ORDER BY id").fetchall()
        return reports, conn.execute("SELECT count(*) FROM report_items").fetchone()[0]
    finally:
        conn.close()


def _items(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return int(conn.execute(
            "SELECT (SELECT count(*) FROM flags) + (SELECT count(*) FROM disagreements) + (SELECT count(*) FROM stories)"
        ).fetchone()[0])
    finally:
        conn.close()


# --- sending ---------------------------------------------------------------------------------------


def test_email_over_starttls_with_login_and_nothing_twice(db_path: Path, smtp_server: SmtpServer) -> None:
    result = _email(db_path, smtp_server, "--to", "desk@newsroom.example", "--to", "Night Editor <night@newsroom.example>")
    assert result.exit_code == 0, result.output
    assert result.output == ""  # quiet on success, for cron
    (got,) = smtp_server.mailbox.received
    assert smtp_server.mailbox.logins == [(smtp_server.mailbox.logins[0][0], USER)]
    assert got.mail_from == "alerts@newsroom.example"
    assert got.rcpt_tos == ["desk@newsroom.example", "night@newsroom.example"]
    message = got.message
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    # The HTML part carries each new story's derivation graph as a PNG shown inline (cid:).
    assert parts == ["text/plain", "multipart/related"]
    related = list(message.iter_parts())[1]
    inner = [part.get_content_type() for part in related.iter_parts()]
    assert inner[0] == "text/html" and inner[1:] and set(inner[1:]) == {"image/png"}
    for image in list(related.iter_parts())[1:]:
        assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f'src="cid:{image["Content-ID"].strip("<>")}"' in related.get_body(("html",)).get_content()
    text_part = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, page = text_part.get_content(), html_part.get_content()
    assert "FLAGS" in text and "seo-spam-link-farm" in text and "http://127.0.0.1:8001/audit/flags/" in text
    assert "<h2>Flags</h2>" in page and "keywords withheld" in page
    assert "主站蜘蛛池模板" not in page and "主站蜘蛛池模板" not in text  # mail filters quarantine spam keywords
    assert message["Subject"].startswith("[provenance] audit: ")
    assert message["To"] == "desk@newsroom.example, night@newsroom.example"
    assert message["Auto-Submitted"] == "auto-generated" and message["Message-ID"]

    reports, marked = _reported(db_path)
    assert [(r[1], r[2]) for r in reports] == [("sent", _items(db_path))] and marked == _items(db_path)
    again = _email(db_path, smtp_server, "--to", "desk@newsroom.example")
    assert again.exit_code == 0 and again.output == ""
    assert len(smtp_server.mailbox.received) == 1  # the second run sends nothing
    assert len(_reported(db_path)[0]) == 1


def test_only_new_items_go_in_the_next_email(db_path: Path, smtp_server: SmtpServer) -> None:
    assert _email(db_path, smtp_server, "--to", "desk@newsroom.example").exit_code == 0
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO flags (article_id, rule_id, category, severity, message, evidence, rules_version,"
                     " run_id, created_utc) VALUES (?, 'late-rule', 'metadata', 'warning', 'A later finding', '{}',"
                     " 'test', 1, '2026-01-07T00:00:00+00:00')", [article_id(conn, "records.jsonl:3")])
    conn.close()
    assert _email(db_path, smtp_server, "--to", "desk@newsroom.example").exit_code == 0
    _, second = smtp_server.mailbox.received
    text = second.message.get_body(("plain",))
    assert text is not None and "late-rule" in text.get_content() and "seo-spam-link-farm" not in text.get_content()
    assert second.message["Subject"] == "[provenance] audit: 1 warning"


def test_min_severity_leaves_the_rest_for_later(db_path: Path, smtp_server: SmtpServer) -> None:
    assert _email(db_path, smtp_server, "--to", "a@newsroom.example", "--min-severity", "error").exit_code == 0
    (errors_only,) = smtp_server.mailbox.received
    assert re.fullmatch(r"\[provenance\] audit: \d+ errors?", errors_only.message["Subject"])
    assert _email(db_path, smtp_server, "--to", "a@newsroom.example").exit_code == 0
    assert len(smtp_server.mailbox.received) == 2 and "info flag" in smtp_server.mailbox.received[1].message["Subject"]


def test_a_headline_cannot_inject_headers(db_path: Path, smtp_server: SmtpServer) -> None:
    conn = sqlite3.connect(db_path)
    with conn:
        target = article_id(conn, "eastwire_valdoria_seravand_60_years.txt")
        conn.execute("UPDATE articles SET title = ?, site_name = ? WHERE id = ?",
                     ["Deal signed\r\nBcc: evil@x.example\r\n\r\n<script>alert(1)</script>", "Eve\nCc: evil@x.example", target])
        conn.execute("UPDATE flags SET message = ? WHERE article_id = ?", ["spam\r\n.\r\nRCPT TO:<evil@x.example>", target])
    conn.close()
    result = _email(db_path, smtp_server, "--to", "desk@newsroom.example")
    assert result.exit_code == 0, result.output
    (got,) = smtp_server.mailbox.received
    assert got.rcpt_tos == ["desk@newsroom.example"]
    assert got.message["Bcc"] is None and got.message["Cc"] is None
    assert set(got.message.keys()) == {"Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted",
                                       "MIME-Version", "Content-Type"}
    html_part, text_part = got.message.get_body(("html",)), got.message.get_body(("plain",))
    assert html_part is not None and text_part is not None
    page, text = html_part.get_content(), text_part.get_content()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Deal signed Bcc: evil@x.example <script>" in text  # one line of plain text
    assert not any(line.startswith(("Bcc:", "Cc:", "RCPT", ".")) for line in text.splitlines())


@pytest.mark.parametrize("address", ["desk@newsroom.example\r\nBcc: evil@x.example", "not an address",
                                     "desk@newsroom.example, <evil@x", "a@b\nc@d"])
def test_bad_recipients_are_refused_before_anything_is_sent(db_path: Path, smtp_server: SmtpServer, address: str) -> None:
    result = _email(db_path, smtp_server, "--to", address)
    assert result.exit_code == 2 and "error: --to:" in result.output
    assert smtp_server.mailbox.received == [] and _reported(db_path) == ([], 0)


def test_a_refused_login_is_loud_and_marks_nothing(db_path: Path, smtp_server: SmtpServer) -> None:
    result = _email(db_path, smtp_server, "--to", "desk@newsroom.example", PROVENANCE_SMTP_PASSWORD="wrong")
    assert result.exit_code == 2
    assert "error: 127.0.0.1:" in result.output and "SMTP login refused (535" in result.output
    assert "wrong" not in result.output
    reports, marked = _reported(db_path)
    assert [r[1] for r in reports] == ["failed"] and marked == 0
    assert _email(db_path, smtp_server, "--to", "desk@newsroom.example").exit_code == 0
    assert len(smtp_server.mailbox.received) == 1


def test_an_untrusted_certificate_is_refused(db_path: Path, smtp_server: SmtpServer) -> None:
    result = _email(db_path, smtp_server, "--to", "desk@newsroom.example", PROVENANCE_SMTP_CAFILE="")
    assert result.exit_code == 2 and "TLS failure" in result.output and "CERTIFICATE_VERIFY_FAILED" in result.output
    assert smtp_server.mailbox.received == []


def test_no_server_is_loud(db_path: Path, smtp_server: SmtpServer) -> None:
    result = _email(db_path, smtp_server, "--to", "desk@newsroom.example", PROVENANCE_SMTP_PORT=str(_free_port()))
    assert result.exit_code == 2 and "cannot reach the SMTP server" in result.output


def test_dry_run_prints_the_message_and_sends_nothing(db_path: Path, smtp_server: SmtpServer) -> None:
    result = _email(db_path, smtp_server, "--to", "desk@newsroom.example", "--dry-run")
    assert result.exit_code == 0, result.output
    # Headers, then each part decoded: readable, no base64.
    assert "To: desk@newsroom.example" in result.output and "Content-Transfer-Encoding" not in result.output
    assert "--- text/plain ---" in result.output and "--- text/html ---" in result.output
    assert "FLAGS" in result.output and "<h2>Flags</h2>" in result.output
    assert smtp_server.mailbox.received == [] and _reported(db_path) == ([], 0)


def test_dry_run_needs_no_smtp_server(db_path: Path) -> None:
    env = {k: "" for k in ("PROVENANCE_SMTP_HOST", "PROVENANCE_MAIL_FROM", "PROVENANCE_MAIL_TO")}
    config = db_path.parent / "empty.toml"
    config.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["report", "--db", str(db_path), "--email", "--dry-run", "--config", str(config)],
                                env=env)
    assert result.exit_code == 0, result.output
    assert "--- text/plain ---" in result.output and "error:" not in result.output


# --- safe under cron: crashes and overlaps ------------------------------------------------------------


def _send(db_path: Path, server: SmtpServer, **kwargs: Any) -> outbox.SendResult:
    return send_report(db_path, recipients=["desk@newsroom.example"], settings=server.settings(), window=Window(),
                       now=lambda: dt.datetime.now(dt.timezone.utc), **kwargs)


def test_a_crash_between_send_and_commit_resends_once(db_path: Path, smtp_server: SmtpServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: Any) -> None:
        raise KeyboardInterrupt  # the process dies after the server took the message

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "_finish", crash)
        with pytest.raises(KeyboardInterrupt):
            _send(db_path, smtp_server)
    assert len(smtp_server.mailbox.received) == 1
    reports, marked = _reported(db_path)
    assert [r[1] for r in reports] == ["sending"] and marked == 0  # nothing lost
    assert _send(db_path, smtp_server).status == "sent"
    assert len(smtp_server.mailbox.received) == 2  # sent again, once
    first, second = smtp_server.mailbox.received
    assert first.message.get_body(("plain",)).get_content().split("\n", 2)[2] == \
        second.message.get_body(("plain",)).get_content().split("\n", 2)[2]  # type: ignore[union-attr]
    reports, marked = _reported(db_path)
    assert [r[1] for r in reports] == ["interrupted", "sent"] and marked == _items(db_path)
    assert _send(db_path, smtp_server).status == "nothing new"
    assert len(smtp_server.mailbox.received) == 2


def test_overlapping_runs_send_once(db_path: Path, smtp_server: SmtpServer) -> None:
    smtp_server.mailbox.delay = 0.5
    results: list[Any] = []

    def run() -> None:
        try:
            results.append(_send(db_path, smtp_server).status)
        except Exception as exc:  # noqa: BLE001 - reported below
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["nothing new", "sent"]
    assert len(smtp_server.mailbox.received) == 1
    assert [r[1] for r in _reported(db_path)[0]] == ["sent"]


def test_a_held_lock_times_out_loudly(db_path: Path, smtp_server: SmtpServer) -> None:
    with report_lock(db_path, 1.0):
        with pytest.raises(MailError, match="holds? the lock"):
            _send(db_path, smtp_server, lock_timeout=0.2)
        result = _email(db_path, smtp_server, "--to", "desk@newsroom.example", "--lock-timeout", "0.1")
        assert result.exit_code == 2 and "report-lock" in result.output
    assert smtp_server.mailbox.received == []


# --- settings -----------------------------------------------------------------------------------------


def test_settings_from_environment_then_config_file() -> None:
    config = {"smtp": {"host": "smtp.example.org", "port": 2525, "starttls": True, "from": "a@example.org",
                       "user": "u", "password": "hunter2-secret"}, "report": {"to": ["desk@example.org"]}}
    from_file = smtp_settings({}, config)
    assert (from_file.host, from_file.port, from_file.starttls, from_file.user) == ("smtp.example.org", 2525, True, "u")
    from_env = smtp_settings({"PROVENANCE_SMTP_HOST": "mx.example.net", "PROVENANCE_SMTP_STARTTLS": "no",
                              "PROVENANCE_SMTP_SSL": "yes", "PROVENANCE_SMTP_PORT": ""}, config)
    assert (from_env.host, from_env.port, from_env.ssl, from_env.starttls) == ("mx.example.net", 465, True, False)
    assert "hunter2" not in repr(from_file) and "password" not in repr(from_file)
    assert recipients_from({}, config, []) == ["desk@example.org"]
    assert recipients_from({"PROVENANCE_MAIL_TO": "a@x.org, B <b@y.org>"}, config, []) == ["a@x.org", "b@y.org"]
    assert recipients_from({"PROVENANCE_MAIL_TO": "a@x.org"}, config, ["c@z.org"]) == ["c@z.org"]


@pytest.mark.parametrize(("env", "message"), [
    ({}, "no SMTP server"),
    ({"PROVENANCE_SMTP_HOST": "mx.example.net"}, "no sender"),
    ({"PROVENANCE_SMTP_HOST": "mx.example.net", "PROVENANCE_MAIL_FROM": "a@b.org", "PROVENANCE_SMTP_STARTTLS": "maybe"},
     "PROVENANCE_SMTP_STARTTLS: expected true or false"),
    ({"PROVENANCE_SMTP_HOST": "mx.example.net", "PROVENANCE_MAIL_FROM": "a@b.org", "PROVENANCE_SMTP_PORT": "smtp"},
     "expected a number"),
    ({"PROVENANCE_SMTP_HOST": "mx.example.net", "PROVENANCE_MAIL_FROM": "a@b.org", "PROVENANCE_SMTP_USER": "u"},
     "refusing to send the SMTP password to mx.example.net unencrypted"),
    ({"PROVENANCE_SMTP_HOST": "mx.example.net", "PROVENANCE_MAIL_FROM": "x\r\nBcc: y@z.org"}, "control characters"),
])
def test_settings_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(MailError, match=re.escape(message)):
        smtp_settings(env, {})


def test_addresses() -> None:
    assert parse_addresses(["Desk <desk@example.org>", "a@b.org, c@d.org"]) == ["desk@example.org", "a@b.org", "c@d.org"]
    with pytest.raises(MailError):
        parse_addresses(["desk"])


def test_config_file_and_missing_settings(db_path: Path, tmp_path: Path, smtp_server: SmtpServer) -> None:
    config = tmp_path / "provenance.toml"
    config.write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_server.port}\nstarttls = true\nuser = "{USER}"\n'
        f'password = "{PASSWORD}"\nfrom = "alerts@newsroom.example"\ncafile = "{smtp_server.cafile}"\n'
        '[report]\nto = ["desk@newsroom.example"]\nbase_url = "http://127.0.0.1:9000/audit"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["report", "--email", "--db", str(db_path), "--config", str(config)], env={})
    assert result.exit_code == 0, result.output
    (got,) = smtp_server.mailbox.received
    assert got.rcpt_tos == ["desk@newsroom.example"]
    body = got.message.get_body(("plain",))
    assert body is not None and "http://127.0.0.1:9000/audit/flags/" in body.get_content()
    bare = CliRunner().invoke(app, ["report", "--email", "--db", str(db_path)],
                              env={"PROVENANCE_CONFIG": str(tmp_path / "missing.toml")})
    assert bare.exit_code == 2 and "cannot read the config file" in bare.output


def test_readme_crontab_line_works(db_path: Path, smtp_server: SmtpServer) -> None:
    """The crontab line of the README, run as cron would (its command, options and settings)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (line,) = [l for l in readme.splitlines() if re.match(r"^[0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ [0-9*/,-]+ ", l)
               and "report --email" in l]
    words = shlex.split(line.split(maxsplit=5)[5])
    env = dict(w.split("=", 1) for w in words if re.match(r"^[A-Z_]+=", w))
    command = [w for w in words if not re.match(r"^[A-Z_]+=", w)]
    assert command[0].startswith("/") and command[0].endswith("/bin/provenance") and command[1] == "report"
    args = [a for a in command[1:] if not a.startswith("--config")]
    env = {k: v for k, v in env.items() if k not in ("PROVENANCE_DB", "PROVENANCE_CONFIG")}
    result = CliRunner().invoke(app, [*args, "--db", str(db_path)], env={**smtp_server.env(), **env})
    assert result.exit_code == 0, result.output
    assert result.output == "" and len(smtp_server.mailbox.received) == 1
