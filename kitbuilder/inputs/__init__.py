"""Reading what users give: the config (YAML), the leaders file and the survey file.

Every reader turns a file into typed, checked objects, or raises one error listing every
problem with its file, row or line, and column or field. The modules are imported on first
use (the locale loader reads YAML through :mod:`.yamlfile` without the config's schema).
"""

from importlib import import_module

__all__ = ["Config", "SurveyData", "json_schema", "load_config", "load_leaders", "load_survey"]

_HOMES = {"Config": "config", "json_schema": "config", "load_config": "config",
          "load_leaders": "leaders", "SurveyData": "survey", "load_survey": "survey"}


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(name)
