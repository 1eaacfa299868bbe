"""Start the web app with uvicorn, refusing to expose it without a token."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from ..errors import InputError, Problem

__all__ = ["check_bind", "is_loopback", "run"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def check_bind(host: str, token: str | None) -> None:
    """Raise :class:`InputError` (exit 2) for an address others can reach without a token."""
    if not is_loopback(host) and not token:
        raise InputError(Problem("--host", host, "other machines could reach the app at this address; give an access "
                                 "code with --token (or KITBUILDER_TOKEN), or serve on 127.0.0.1"))


def run(workspace: Path, *, host: str, port: int, token: str | None, max_upload: int) -> None:
    import uvicorn

    from .app import create_app

    app = create_app(workspace, token=token, max_upload=max_upload)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
