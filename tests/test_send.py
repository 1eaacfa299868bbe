"""kitbuilder send, against a real SMTP server on 127.0.0.1 (aiosmtpd, see smtpserver.py).

The kit is built once with PDFs (conftest.py); each test copies it, adds the server to the
config's mail: section (which leaves the build current: the manifest's config hash leaves
mail settings out) and reads back what the server received: recipients, text, attachments, invitations.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import icalendar
import pytest

from kitbuilder import build, load_config
from kitbuilder.assemble import fill
from kitbuilder.locales import load_locale
from kitbuilder.names import safe_name
from kitbuilder.pipeline import build_model
from kitbuilder.send import send
from kitbuilder.writer import read_manifest_inputs

from .conftest import SEND_ADDRESSES, SEND_KIT, SEND_LEADERS
from .smtpserver import PASSWORD, USER, Server

pytestmark = pytest.mark.office

@dataclass
class Workspace:
    folder: Path
    config: Path

    @property
    def out(self) -> Path:
        return self.folder / "output"

    @property
    def root(self) -> Path:
        return self.out / "fjordby"

    def log(self) -> list[dict]:
        return json.loads((self.root / "sent.json").read_text(encoding="utf-8"))["messages"]

    def command(self, *options: str) -> list[str]:
        return [sys.executable, "-m", "kitbuilder", "send", str(self.config), "--out", str(self.out), *options]


@pytest.fixture
def workspace(built_to_send, tmp_path):
    """A copy of the build; ``workspace(server, extra)`` writes send.yaml for that server."""
    folder = tmp_path / "kit"
    shutil.copytree(built_to_send, folder)

    def make(server: Server, extra: str = "", **mail: str) -> Workspace:
        config = folder / "send.yaml"
        config.write_text(SEND_KIT + server.mail_section(**mail) + extra, encoding="utf-8")
        return Workspace(folder, config)

    return make


def calendars(message) -> list[icalendar.Calendar]:
    return [icalendar.Calendar.from_ical(part.get_content()) for part in message.iter_attachments()
            if part.get_content_type() == "text/calendar"]


def people(config, locale: str):
    """The leaders as their documents in ``locale`` print them (formatted meeting, place, file stem)."""
    kit = build_model(config)
    locale_kit = next(lk for lk in kit.locales if lk.locale == locale)
    return {doc.leader.name: doc.leader for doc in locale_kit.documents if doc.leader}


def test_each_leader_gets_one_email_with_their_pack_and_invitations(workspace, starttls, trusted, run):
    space = workspace(starttls, reply_to="hr-svar@fjordby.example")
    result = run("send", space.config, "--out", space.out)
    assert result.exit_code == 0, result.output
    assert "Sent 6 e-mails." in result.output
    assert "no e-mail address, skipped: Ole Uden Adresse" in result.output
    inbox = starttls.inbox
    assert inbox.logins == [USER]  # STARTTLS, then AUTH, on one connection for all six
    assert sorted(item.message["To"].addresses[0].addr_spec for item in inbox.received) == sorted(SEND_ADDRESSES)
    config = load_config(space.config)
    log = {entry["leader"]: entry for entry in space.log()}
    for leader in (leader for leader in config.leaders if leader.email):
        [received] = inbox.to(leader.email)
        message = received.message
        locale = leader.locale or "da"
        person = people(config, locale)[leader.name]
        assert received.recipients == [leader.email, *([leader.manager_email] if leader.manager_email else [])]
        assert message["From"].addresses[0].addr_spec == "hr@fjordby.example"
        assert str(message["Reply-To"]) == "hr-svar@fjordby.example"
        assert [a.addr_spec for a in message["Cc"].addresses] == [leader.manager_email] if leader.manager_email \
            else message["Cc"] is None
        assert message.get_body(("plain",))["Content-Language"] == locale
        words = load_locale(locale).get("mail")
        assert message["Subject"] == fill(words["subject"], organisation="Fjordby Kommune")
        body = message.get_body(("plain",)).get_content()
        assert body.startswith(fill(words["greeting"], leader=leader.name))
        if leader.meeting:  # the meeting's date, time and place as the guide prints them in that language
            assert f"{person.meeting}, {person.place}" in body
        else:
            assert words["not_booked"] in body
        [pack] = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
        stem = safe_name(fill(words["file_name"], leader=leader.name))  # named in the leader's language
        assert pack.get_filename() == f"{stem}.pdf"
        assert all(part.get_filename().startswith(stem) for part in message.iter_attachments())
        assert pack.get_content() == (space.root / locale / "leader-packs" / f"{person.stem}.pdf").read_bytes()
        built_events = icalendar.Calendar.from_ical(
            (space.root / locale / "dialogue-guides" / f"{person.stem}.ics").read_bytes()).walk("VEVENT")
        requests = calendars(message)
        assert len(requests) == len(built_events) == (3 if leader.meeting else 0)
        for part in (p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"):
            assert part.get_param("method") == "REQUEST"
        for request, built_event in zip(requests, built_events):
            assert request["method"] == "REQUEST"
            [event] = request.walk("VEVENT")  # one meeting per request: clients act on one event per invitation
            assert event["uid"] == built_event["uid"] and event.decoded("dtstart") == built_event.decoded("dtstart")
            assert str(event["organizer"]) == "mailto:hr@fjordby.example"
            attendees = event["attendee"] if isinstance(event["attendee"], list) else [event["attendee"]]
            assert {str(a) for a in attendees} == {f"mailto:{a}" for a in received.recipients}
            assert event["sequence"] == 0
        entry = log[leader.name]
        assert (entry["status"], entry["address"], entry["message_id"]) == ("sent", leader.email, message["Message-ID"].strip())
        from kitbuilder.writer import sha256_of
        sent = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
        assert entry["attachments"] == {name: sha256_of(data if isinstance(data, bytes) else data.encode())
                                        for name, data in sent.items()}


def test_a_second_run_sends_nothing_and_says_so(workspace, starttls, trusted, run):
    space = workspace(starttls)
    assert run("send", space.config, "--out", space.out).exit_code == 0
    again = run("send", space.config, "--out", space.out)
    assert again.exit_code == 0, again.output
    assert "Already sent, so not again: 6 leaders" in again.output and "Nothing to send." in again.output
    assert len(starttls.inbox.received) == 6
    assert len(space.log()) == 6


def test_a_run_killed_after_its_first_messages_and_started_again_mails_each_leader_once(workspace, starttls, trusted):
    space = workspace(starttls)
    slow = subprocess.Popen(space.command("--per-minute", "30"), env=trusted, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not ((space.root / "sent.json").exists() and
                   [entry["status"] for entry in space.log()] == ["sent", "sent"]):
            assert time.monotonic() < deadline and slow.poll() is None, "the first two e-mails never went out"
            time.sleep(0.05)
    finally:
        slow.send_signal(signal.SIGKILL)
        slow.wait()
    assert len(starttls.inbox.received) == 2
    again = subprocess.run(space.command(), env=trusted, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert "Sent 4 e-mails." in again.stdout and "Already sent, so not again: 2 leaders" in again.stdout
    assert sorted(item.message["To"].addresses[0].addr_spec for item in starttls.inbox.received) == sorted(SEND_ADDRESSES)


def test_the_one_message_in_flight_when_killed_is_in_doubt_and_not_sent_again_unasked(workspace, starttls, trusted):
    space = workspace(starttls)
    starttls.inbox.stall_at = 3  # the server has the third message but holds back its answer
    process = subprocess.Popen(space.command(), env=trusted, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert starttls.inbox.stalled.wait(60)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    starttls.inbox.release.set()
    third = starttls.inbox.received[2].message["To"].addresses[0]
    assert [entry["status"] for entry in space.log()] == ["sent", "sent", "sending"]
    again = subprocess.run(space.command(), env=trusted, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert f"in doubt: the e-mail to {third.display_name} ({third.addr_spec}" in again.stderr
    assert f"--resend --leader '{third.display_name}'" in again.stderr
    assert sorted(item.message["To"].addresses[0].addr_spec for item in starttls.inbox.received) == sorted(SEND_ADDRESSES)
    # asked by name, the leader gets it again, and calendars see an update of the same meetings
    forced = subprocess.run(space.command("--resend", "--leader", third.display_name), env=trusted,
                            capture_output=True, text=True)
    assert forced.returncode == 0, forced.stderr
    first, second = [item.message for item in starttls.inbox.to(third.addr_spec)]
    assert [event["uid"] for request in calendars(second) for event in request.walk("VEVENT")] == \
        [event["uid"] for request in calendars(first) for event in request.walk("VEVENT")]
    assert {event["sequence"] for request in calendars(second) for event in request.walk("VEVENT")} == {1}


def test_a_dry_run_writes_one_eml_per_leader_and_sends_nothing(workspace, starttls, run, tmp_path):
    space = workspace(starttls, extra="text:\n  sv: {mail.subject: 'Välkommen till dialogen, {leader}'}\n")
    drafts = tmp_path / "drafts"
    result = run("send", space.config, "--out", space.out, "--dry-run", drafts)
    assert result.exit_code == 0, result.output
    assert f"Wrote 6 e-mails into {drafts}; nothing was sent." in result.output
    assert starttls.inbox.received == [] and not (space.root / "sent.json").exists()
    from email import message_from_bytes, policy
    emails = {path.name: message_from_bytes(path.read_bytes(), policy=policy.default) for path in drafts.iterdir()}
    assert len(emails) == 6 and all(name.endswith(".eml") for name in emails)
    karin = next(message for message in emails.values() if "karin@" in str(message["To"]))
    assert karin["Subject"] == "Välkommen till dialogen, Karin Öström"  # text: overrides the e-mail too
    assert len(calendars(karin)) == 3


def test_a_refused_recipient_is_reported_and_the_others_go_on(workspace, starttls, trusted, run):
    space = workspace(starttls)
    starttls.inbox.refuse = {"karin@fjordby.example", "lars@fjordby.example"}
    result = run("send", space.config, "--out", space.out)
    assert result.exit_code == 1
    assert "Karin Öström: karin@fjordby.example: 550 5.1.1 No such mailbox here" in result.output
    assert "Sigrid Håkonsen: lars@fjordby.example: 550" in result.output
    got = sorted(item.message["To"].addresses[0].addr_spec for item in starttls.inbox.received)
    assert got == sorted(set(SEND_ADDRESSES) - {"karin@fjordby.example"})
    [sigrid] = starttls.inbox.to("sigrid@fjordby.example")
    assert sigrid.recipients == ["sigrid@fjordby.example"]  # the e-mail went to the leader without the manager
    statuses = {entry["leader"]: entry["status"] for entry in space.log()}
    assert statuses["Karin Öström"] == "refused" and statuses["Sigrid Håkonsen"] == "sent"


def test_a_lost_connection_is_retried_then_the_run_stops_and_the_log_says_who_has_theirs(
        workspace, certificates, trusted, caplog):
    with Server("starttls", certificates) as server:
        space = workspace(server)
        config = load_config(space.config)
        server.inbox.data_answers = ["421 4.3.2 Too many messages, try again later"]

        def stop_after_two(done, total):
            if done == 2:
                server.stop()

        with pytest.raises(Exception) as stopped:
            send(config, space.out, password=PASSWORD, progress=stop_after_two, retry_delays=(0.01, 0.02))
        assert len(server.inbox.received) == 2  # the 421 was waited out: the first leader got one message
        assert "421 4.3.2 Too many messages, try again later; trying again in 0.01 s" in caplog.text
        assert stopped.value.exit_code == 1 and "Run the same command again to send the rest" in str(stopped.value)
    assert [entry["status"] for entry in space.log()] == ["sent", "sent", "failed"]
    with Server("starttls", certificates) as restarted:
        send(load_config(workspace(restarted).config), space.out, password=PASSWORD)
    addresses = [item.message["To"].addresses[0].addr_spec for item in server.inbox.received + restarted.inbox.received]
    assert sorted(addresses) == sorted(SEND_ADDRESSES)


@pytest.mark.parametrize("where", ["option", "config"])
def test_per_minute_paces_the_messages(workspace, certificates, trusted, where):
    """``--per-minute`` (``per_minute=``), else the config's ``mail.per_minute``, which the
    web app's sending uses too."""
    with Server("ssl", certificates) as server:  # implicit TLS (port 465 style) as well
        space = workspace(server, **({"per_minute": "300"} if where == "config" else {}))
        config = load_config(space.config)
        send(config, space.out, password=PASSWORD, **({"per_minute": 300} if where == "option" else {}))
    assert len(server.inbox.received) == 6 and server.inbox.logins == [USER]
    # 60 s / 300 between the starts of messages (the first one's start also waited for the log-in);
    # each start can be a few milliseconds late (the send log is written to disk first), so the
    # bound is on the four intervals together
    starts = server.inbox.starts[1:]
    assert starts[-1] - starts[0] >= 4 * 0.2 - 0.05


def test_files_older_than_the_config_stop_the_run_with_the_command_that_rebuilds_them(workspace, starttls, trusted,
                                                                                      run):
    space = workspace(starttls)
    space.config.write_text(space.config.read_text(encoding="utf-8").replace("Mødelokale 1", "Mødelokale 2"),
                            encoding="utf-8")
    (space.root / "da" / "leader-packs" / "0007-mikkel-holm.pdf").unlink()
    result = run("send", space.config, "--out", space.out)
    assert result.exit_code == 1
    assert "da/leader-packs/0007-mikkel-holm.pdf: missing" in result.output
    assert f"sv/dialogue-guides/0002-karin-öström.ics: {space.config} changed since it was built" in result.output
    assert f"Build them again with: kitbuilder build {space.config} --pdf --out {space.out}" in result.output
    assert starttls.inbox.received == [] and not (space.root / "sent.json").exists()


def test_changed_files_are_listed_and_sent_again_only_with_resend(workspace, starttls, trusted, run):
    space = workspace(starttls)
    assert run("send", space.config, "--out", space.out).exit_code == 0
    leaders = space.folder / "leaders.csv"
    leaders.write_text(leaders.read_text(encoding="utf-8").replace("Skolevej 12", "Skolevej 14"), encoding="utf-8")
    build(load_config(space.folder / "kitbuilder.yaml"), space.out, pdf=True)
    listed = run("send", space.config, "--out", space.out)
    assert listed.exit_code == 0
    assert "not sent again (add --resend to send them): Sigrid Håkonsen" in listed.output
    assert "Already sent, so not again: 5 leaders" in listed.output and len(starttls.inbox.received) == 6
    resent = run("send", space.config, "--out", space.out, "--resend")
    assert resent.exit_code == 0 and "Sent 1 e-mails." in resent.output
    first, second = [item.message for item in starttls.inbox.to("sigrid@fjordby.example")]
    assert "Skolevej 14" in second.get_body(("plain",)).get_content()
    assert {event["sequence"] for request in calendars(second) for event in request.walk("VEVENT")} == {1}


def test_only_the_named_leader_with_leader(workspace, starttls, trusted, run):
    space = workspace(starttls)
    result = run("send", space.config, "--out", space.out, "--leader", "åsa berg")
    assert result.exit_code == 0 and [item.recipients for item in starttls.inbox.received] == [["asa@fjordby.example"]]
    unknown = run("send", space.config, "--out", space.out, "--leader", "Asa Berg")
    assert unknown.exit_code == 2 and "no leader named 'Asa Berg' in the config; did you mean 'Åsa Berg'?" in unknown.output


def test_an_untrusted_certificate_stops_before_anything_is_sent(workspace, starttls, monkeypatch, run):
    monkeypatch.setenv("KITBUILDER_SMTP_PASSWORD", PASSWORD)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    space = workspace(starttls)
    result = run("send", space.config, "--out", space.out)
    assert result.exit_code == 1
    assert "the secure connection failed" in result.output and "SSL_CERT_FILE" in result.output
    assert starttls.inbox.received == [] and [entry["status"] for entry in space.log()] == ["failed"]


def test_without_a_password_or_a_terminal_send_says_where_to_put_it(workspace, starttls, monkeypatch, run):
    monkeypatch.delenv("KITBUILDER_SMTP_PASSWORD", raising=False)
    space = workspace(starttls)
    result = run("send", space.config, "--out", space.out)
    assert result.exit_code == 2
    assert "mail.username: needs a password: set KITBUILDER_SMTP_PASSWORD" in result.output
    assert starttls.inbox.received == [] and not (space.root / "sent.json").exists()


def test_the_manifest_records_what_each_file_was_built_from(built_to_send):
    config = load_config(built_to_send / "kitbuilder.yaml")
    recorded = read_manifest_inputs(built_to_send / "output" / "fjordby")["da/leader-packs/0001-jens-ærø.pdf"]
    assert recorded["config"] == config.content_sha256
    from kitbuilder.writer import sha256_of
    assert recorded["leaders_file"] == sha256_of((built_to_send / "leaders.csv").read_bytes())


def test_mail_settings_and_the_emails_texts_leave_the_config_hash_alone(tmp_path):
    (tmp_path / "leaders.csv").write_text(SEND_LEADERS, encoding="utf-8")
    base = tmp_path / "a.yaml"
    base.write_text(SEND_KIT, encoding="utf-8")
    mailing = tmp_path / "b.yaml"
    mailing.write_text(SEND_KIT + "mail: {host: smtp.office365.com, from: {name: HR, email: hr@fjordby.example}}\n"
                             "text: {da: {mail.subject: Hej}}\n", encoding="utf-8")
    other = tmp_path / "c.yaml"
    other.write_text(SEND_KIT.replace("Mødelokale 1", "Mødelokale 2"), encoding="utf-8")
    hashes = [load_config(path).content_sha256 for path in (base, mailing, other)]
    assert hashes[0] == hashes[1] != hashes[2]


# --- bad input: found before anything is sent, exit 2 --------------------------------------------

def test_a_leader_whose_locale_is_not_built_is_an_error_naming_row_and_column(tmp_path, run):
    (tmp_path / "leaders.csv").write_text(SEND_LEADERS.replace(",Skolevej 12,\n", ",Skolevej 12,en\n"), encoding="utf-8")
    (tmp_path / "send.yaml").write_text(SEND_KIT + "mail: {host: 127.0.0.1, security: none, "
                                              "from: {name: HR, email: hr@fjordby.example}}\n", encoding="utf-8")
    result = run("send", tmp_path / "send.yaml", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "leaders.csv: row 4, column locale: 'en' is not one of the config's locales (da, sv)" in result.output


def test_a_password_in_the_config_is_refused(tmp_path, run):
    (tmp_path / "leaders.csv").write_text(SEND_LEADERS, encoding="utf-8")
    (tmp_path / "send.yaml").write_text(SEND_KIT + "mail: {host: smtp.office365.com, username: hr, password: x, "
                                              "from: {name: HR, email: hr@fjordby.example}}\n", encoding="utf-8")
    result = run("send", tmp_path / "send.yaml", "--out", tmp_path / "out")
    assert result.exit_code == 2 and "mail: a password never goes in the config" in result.output


def test_an_unreadable_send_log_sends_nothing(workspace, starttls, trusted, run):
    space = workspace(starttls)
    (space.root / "sent.json").write_text("{not json", encoding="utf-8")
    result = run("send", space.config, "--out", space.out)
    assert result.exit_code == 1 and "sent.json cannot be read" in result.output
    assert starttls.inbox.received == []


def test_a_config_without_mail_settings_or_the_dialogue_kit_cannot_send(tmp_path, run):
    (tmp_path / "leaders.csv").write_text(SEND_LEADERS, encoding="utf-8")
    (tmp_path / "send.yaml").write_text(SEND_KIT.replace("[leader-dialogue]", "[evaluation-follow-up]"), encoding="utf-8")
    result = run("send", tmp_path / "send.yaml", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "send.yaml: mail: required by kitbuilder send" in result.output
    assert "send.yaml: kits: kitbuilder send e-mails the leader-dialogue kit's guides" in result.output
