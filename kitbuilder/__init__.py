"""kitbuilder: print-ready leadership workshop kits from one organisation config.

The public API, apart from the command line::

    from kitbuilder import load_config, build
    report = build(load_config("config/example.yaml"), Path("output"))
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Config, load_config
from .errors import BuildError, ConfigError, ContentError, KitbuilderError, Problem, TemplateError
from .pipeline import BuildReport, build, build_model

__all__ = [
    "BuildError",
    "BuildReport",
    "Config",
    "ConfigError",
    "ContentError",
    "KitbuilderError",
    "Problem",
    "TemplateError",
    "__version__",
    "build",
    "build_model",
    "load_config",
]
