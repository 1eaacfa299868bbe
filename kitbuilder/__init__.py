"""kitbuilder: print-ready leadership workshop kits from one organisation config.

The public API, apart from the command line::

    from kitbuilder import load_config, build
    report = build(load_config("config/example.yaml"), Path("output"))
    sheets = preview(load_config("config/example.yaml"), Path("output"))  # with PDFs and contact sheets
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from .errors import BuildError, ConfigError, ContentError, KitbuilderError, Problem, TemplateError

if TYPE_CHECKING:
    from .inputs.config import Config, load_config
    from .contact_sheet import PreviewReport, preview
    from .pipeline import BuildReport, build, build_model

# The config and pipeline pull in pydantic and Babel; load them on first use so that the
# command line starts fast (kitbuilder --help).
_LAZY = {"Config": "inputs.config", "load_config": "inputs.config", "BuildReport": "pipeline", "build": "pipeline",
         "build_model": "pipeline", "PreviewReport": "contact_sheet", "preview": "contact_sheet"}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'kitbuilder' has no attribute {name!r}")

__all__ = [
    "BuildError",
    "BuildReport",
    "Config",
    "ConfigError",
    "ContentError",
    "KitbuilderError",
    "PreviewReport",
    "Problem",
    "TemplateError",
    "__version__",
    "build",
    "build_model",
    "load_config",
    "preview",
]
