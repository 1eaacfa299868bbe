"""Shared fixtures: the example kit built once per session, a CLI runner, and for sending: a
leader-dialogue kit built once with PDFs and a real SMTP server (smtpserver.py)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import os

import pytest
from click.testing import CliRunner
from hypothesis import settings

from kitbuilder import build, load_config
from kitbuilder.cli import cli

from .smtpserver import PASSWORD, Certificates, Server

ROOT = Path(__file__).resolve().parent.parent


def load_tool(name: str):
    """A script of ``tools/`` (``tools/<name>.py``) as a module, for tests of what it makes."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

# CI runs the property tests on a fixed sequence of examples, so a build passes or fails the
# same way twice; runs elsewhere draw new examples each time and keep finding new cases.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
EXAMPLE = ROOT / "config" / "example.yaml"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The example config built into a temporary folder; returns the report."""
    out = tmp_path_factory.mktemp("example")
    return build(load_config(EXAMPLE), out)


@pytest.fixture
def run():
    """Run the CLI in-process: ``run("validate", path)`` returns the Click result."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def write_config(tmp_path):
    """Write a config (YAML text) into a temporary folder with the example's logo."""

    def write(text: str, name: str = "config.yaml") -> Path:
        shutil.copy(ROOT / "config" / "assets" / "logo.png", tmp_path / "logo.png")
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def soffice_starts(tmp_path, monkeypatch):
    """LibreOffice behind a wrapper that counts its starts; returns the counting file."""
    from kitbuilder import pdf as pdf_module
    real = pdf_module.find_soffice()
    counter = tmp_path / "starts"
    counter.write_text("")
    wrapper = tmp_path / "soffice"
    wrapper.write_text(f"#!/bin/sh\necho start >> {counter}\nexec {real} \"$@\"\n")
    wrapper.chmod(0o755)
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: str(wrapper))
    return counter


# --- kitbuilder send: a kit to send, and a mail server to send it to -----------------------------

SEND_LEADERS = """name,unit,manager,email,manager_email,meeting,place,locale
Jens Ærø,Vej og Park,Anne Østergaard,jens@fjordby.example,anne@fjordby.example,2027-03-02T10:00,"Rådhuset, lokale 3",da
Karin Öström,Borgerservice,Anne Østergaard,karin@fjordby.example,,2027-03-03T09:30,,sv
Sigrid Håkonsen,Skole og Dagtilbud,Lars Bech,sigrid@fjordby.example,lars@fjordby.example,2027-03-04T13:00,Skolevej 12,
Ole Uden Adresse,Skole,Lars Bech,,,,,
Per Lund,IT,Lars Bech,per@fjordby.example,lars@fjordby.example,,,da
Åsa Berg,HR,Anne Østergaard,asa@fjordby.example,,2027-03-05T09:00,,sv
Mikkel Holm,Kultur,Lars Bech,mikkel@fjordby.example,,2027-03-08T11:00,,da
"""
SEND_KIT = """organisation: {name: Fjordby Kommune, short_name: fjordby}
locales: [da, sv]
kits: [leader-dialogue]
leaders_file: leaders.csv
dialogue: {place: Mødelokale 1, follow_up_months: [2, 4]}
"""
#: The leaders' own addresses (Ole Uden Adresse has none).
SEND_ADDRESSES = ["jens@fjordby.example", "karin@fjordby.example", "sigrid@fjordby.example", "per@fjordby.example",
                  "asa@fjordby.example", "mikkel@fjordby.example"]


@pytest.fixture(scope="session")
def built_to_send(tmp_path_factory) -> Path:
    """SEND_KIT built with PDFs, once, as a project folder: kitbuilder.yaml (without a mail:
    section, which leaves a build current when it is added), leaders.csv, output/. Copy it
    before changing anything."""
    folder = tmp_path_factory.mktemp("built")
    (folder / "leaders.csv").write_text(SEND_LEADERS, encoding="utf-8")
    (folder / "kitbuilder.yaml").write_text(SEND_KIT, encoding="utf-8")
    build(load_config(folder / "kitbuilder.yaml"), folder / "output", pdf=True)
    return folder


@pytest.fixture(scope="session")
def certificates(tmp_path_factory) -> Certificates:
    return Certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def trusted(certificates, monkeypatch):
    """The test's certificate authority trusted, and the password in the environment."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_file))
    monkeypatch.setenv("KITBUILDER_SMTP_PASSWORD", PASSWORD)
    return {**os.environ}


@pytest.fixture
def starttls(certificates):
    """aiosmtpd on 127.0.0.1 with STARTTLS and AUTH."""
    with Server("starttls", certificates) as server:
        yield server
