"""A person's whole path through the web app, in a real browser (Debian's Chromium, driven by Playwright).

Create a project, fill in the organisation and a workshop date, upload a leaders file with
one bad row and see the error on that row, fix it, build with PDF while the progress bar
moves, look at the contact sheet and download the kit; then set up the mail server, look at
one leader's e-mail and send them all (to aiosmtpd on 127.0.0.1). Screenshots of each step
are saved; with ``KITBUILDER_SCREENSHOTS=docs`` two of them replace the README's.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile

import pytest
from playwright.sync_api import expect, sync_playwright

from .conftest import ROOT
from .smtpserver import Server

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
LEADERS = ("name;unit;manager;email;meeting\n"
           "Jens Ærø;IT;Anne Berg;jens@example.org;2027-03-02T10:00\n"
           "Karin Öström;HR;Anne Berg;karin@example.org;2027-03-40T09:00\n"
           "Sigrid Håkonsen;IT;Lars Bech;sigrid@example.org;2027-03-04T13:00\n")
#: The README's screenshots, by the step that takes them.
README_SHOTS = {"04-leader-row-error": "docs/serve-leaders-error.png", "06-built": "docs/serve-build-done.png"}


@pytest.fixture
def server(tmp_path):
    """``kitbuilder serve`` on a free port of this machine; yields its address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workspace = tmp_path / "workspace"
    process = subprocess.Popen([sys.executable, "-m", "kitbuilder", "serve", "--workspace", str(workspace),
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/static/app.css", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError(process.communicate()[0].decode())
            time.sleep(0.1)
    yield url, workspace
    process.terminate()
    process.communicate(timeout=30)


@pytest.fixture
def smtp():
    """A mail server on this machine (aiosmtpd, no encryption, no login), for the app to send through."""
    with Server("none") as mail_server:
        yield mail_server


def test_a_person_builds_downloads_and_sends_a_kit_in_the_browser(server, smtp, tmp_path):
    url, workspace = server
    shots = tmp_path / "screenshots"
    shots.mkdir()

    def shot(page, name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB", accept_downloads=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        # 1. create a project
        page.goto(url)
        expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
        page.get_by_label("Name of the organisation").fill("Fjordby Kommune")
        shot(page, "01-projects")
        page.get_by_role("button", name="Create project").click()
        expect(page).to_have_url(f"{url}/projects/fjordby-kommune")
        expect(page.get_by_role("heading", name="Fjordby Kommune", level=1)).to_be_visible()

        # 2. the organisation, and a workshop date with the run-sheet's clock times
        organisation = page.locator("section#organisation")
        for language in ("Dansk", "Svenska", "Norsk bokmål"):  # one text per language, saved once
            organisation.get_by_label(f"Name of the organisation ({language})").fill("Fjordby Kommune & Forsyning")
        organisation.get_by_role("button", name="Save this section").click()
        expect(page.get_by_role("heading", name="Fjordby Kommune & Forsyning", level=1)).to_be_visible()
        workshops = page.locator("section#workshops")
        workshops.locator("#f-workshops-prepare-date").fill("2027-02-02")
        workshops.locator("#f-workshops-prepare-start").fill("08:30")
        expect(workshops.locator("table.runsheet").first.locator("td.clock").first).to_have_text("08:30–08:45")
        workshops.locator("#f-workshops-prepare-minutes-prioritise").fill("75")
        expect(workshops.locator("table.runsheet").first.locator("td.clock").nth(3)).to_have_text("10:10–10:15")
        workshops.locator("#f-workshops-prepare-start").scroll_into_view_if_needed()
        shot(page, "02-workshop")
        workshops.get_by_role("button", name="Save this section").click()
        expect(page).to_have_url(f"{url}/projects/fjordby-kommune#workshops")
        config = (workspace / "fjordby-kommune" / "kitbuilder.yaml").read_text(encoding="utf-8")
        assert "date: 2027-02-02" in config and 'start: "08:30"' in config and "prioritise: 75" in config
        assert "# Languages to build:" in config  # the starter's comments are kept

        # 3. themes: rate one and see it placed on the map
        themes = page.locator("section#themes")
        row = themes.locator("tr[data-theme='overload']")
        row.locator("[data-rating=importance]").select_option("5")
        row.locator("[data-rating=success]").select_option("1")
        expect(themes.locator(".map-field[data-field='1'] li")).to_contain_text(["5. How do we notice"])
        themes.locator("table.themes").scroll_into_view_if_needed()
        shot(page, "03-themes")

        # 4. a leaders file with one bad row: the error is shown on that row, nothing saved
        leaders = page.locator("section#leaders")
        leaders.locator("#leaders-upload").set_input_files(
            files=[{"name": "leaders.csv", "mimeType": "text/csv", "buffer": LEADERS.encode("utf-8")}])
        leaders.get_by_role("button", name="Upload").click()
        expect(page.get_by_text("leaders.csv was not used")).to_be_visible()
        bad_row = page.locator("#leaders-table tr[data-row='3']")
        expect(bad_row).to_have_class("has-error")
        expect(bad_row.locator("td.error-cell")).to_have_text("2027-03-40T09:00")
        expect(page.locator("#leaders-table tr.row-problems")).to_contain_text("Row 3, column meeting")
        expect(page.locator("#leaders-table tr.has-error")).to_have_count(1)
        page.locator("#leaders-table").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -260)")
        shot(page, "04-leader-row-error")
        assert "\nleaders_file:" not in (workspace / "fjordby-kommune" / "kitbuilder.yaml").read_text(encoding="utf-8")

        # ... fixed and uploaded again
        page.locator("#leaders-upload").set_input_files(files=[{
            "name": "leaders.csv", "mimeType": "text/csv",
            "buffer": LEADERS.replace("2027-03-40", "2027-03-03").encode("utf-8")}])
        page.locator("section#leaders").get_by_role("button", name="Upload").click()
        expect(page).to_have_url(f"{url}/projects/fjordby-kommune#leaders")
        expect(page.locator("#leaders-table tr.has-error")).to_have_count(0)
        expect(page.locator("#leaders-table")).to_contain_text("Karin Öström")

        # 5. build Danish with PDF and watch the progress bar
        build = page.locator("section#build")
        build.get_by_label("Svenska").uncheck()
        build.get_by_label("Norsk bokmål").uncheck()
        expect(build.get_by_label("PDF files, print packs and contact sheets")).to_be_checked()
        build.get_by_role("button", name="Build").click()
        progress = page.locator("#progress-bar")
        expect(progress).to_be_visible()
        deadline = time.monotonic() + 60
        while progress.evaluate("bar => bar.value") == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        done, total = progress.evaluate("bar => [bar.value, bar.max]")
        assert 0 < done <= total and total > 10
        build.scroll_into_view_if_needed()
        shot(page, "05-building")
        assert page.locator("#new-name").count() == 0 and page.locator("section#yaml textarea").is_editable()

        # 6. done: the contact sheet, the print pack and the ZIP
        expect(page.locator("#build-done")).to_be_visible(timeout=180_000)
        expect(page.locator("#results")).to_be_visible()
        page.locator("#build-done").evaluate("element => element.scrollIntoView()")
        page.evaluate("window.scrollBy(0, -230)")
        shot(page, "06-built")
        with context.expect_page() as opened:
            page.get_by_role("link", name="Contact sheet: Dansk").click()
        sheet = opened.value
        sheet.wait_for_load_state()
        thumbnails = sheet.locator("img")
        assert thumbnails.count() > 20
        assert sheet.evaluate("[...document.images].every(image => image.complete && image.naturalWidth > 0)")
        sheet.screenshot(path=str(shots / "07-contact-sheet.png"))
        sheet.close()

        with page.expect_download() as downloading:
            page.get_by_role("link", name="Download the whole kit (ZIP)").click()
        archive = tmp_path / "kit.zip"
        downloading.value.save_as(archive)

        # 7. the mail server (one on this machine, no login), a look at one e-mail, and send
        mail = page.locator("section#mail")
        mail.locator("#f-mail-host").fill("127.0.0.1")
        mail.locator("#f-mail-port").fill(str(smtp.port))
        mail.locator("#f-mail-security").select_option("none")
        mail.locator("#f-mail-from-name").fill("Mette Holm")
        mail.locator("#f-mail-from-email").fill("hr@example.org")
        mail.get_by_role("button", name="Save this section").click()
        expect(page).to_have_url(f"{url}/projects/fjordby-kommune#mail")
        send = page.locator("section#send")
        expect(send.locator("#send-count")).to_have_text("E-mails to send: 3")
        send.locator("tr", has_text="Karin Öström").get_by_role("link", name="See the e-mail").click()
        expect(page.get_by_role("heading", name="E-mail to Karin Öström")).to_be_visible()
        expect(page.locator("#email-attachments li").first).to_contain_text("ledersamtale-karin-öström.pdf")
        shot(page, "08-email-preview")
        page.go_back()
        page.locator("#send-button").click()
        expect(page.locator("#send-done")).to_have_text("E-mails sent this time: 3.", timeout=60_000)
        page.locator("section#send").scroll_into_view_if_needed()
        shot(page, "09-sent")
        expect(page.locator("#send-button")).to_be_disabled()
        assert sorted(item.recipients[0] for item in smtp.inbox.received) == \
            ["jens@example.org", "karin@example.org", "sigrid@example.org"]
        assert errors == []
        browser.close()

    names = zipfile.ZipFile(archive).namelist()
    assert "fjordby-kommune/manifest.json" in names
    for expected in ("da/01-facilitator-checklist.docx", "da/01-facilitator-checklist.pdf",
                     "da/print-pack-wellbeing-plan.pdf", "da/dialogue-guides/0002-karin-öström.docx",
                     "da/dialogue-guides/0002-karin-öström.ics", "da/preview/contact-sheet.html"):
        assert f"fjordby-kommune/{expected}" in names, expected
    assert not any(name.startswith("fjordby-kommune/sv/") for name in names)
    from docx import Document

    with zipfile.ZipFile(archive) as kit:
        with kit.open("fjordby-kommune/da/01-facilitator-checklist.docx") as handle:
            text = "\n".join(p.text for p in Document(handle).paragraphs)
    assert "Fjordby Kommune & Forsyning" in text
    for name in README_SHOTS:
        assert (shots / f"{name}.png").stat().st_size > 20_000
    if os.environ.get("KITBUILDER_SCREENSHOTS") == "docs":
        for name, target in README_SHOTS.items():
            shutil.copy(shots / f"{name}.png", ROOT / target)
