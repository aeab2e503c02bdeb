"""The web app behind ``wiretrace serve``: a JSON API and pages (needs ``pip install 'wiretrace[web]'``)."""

from __future__ import annotations

from wiretrace.web.app import create_app
from wiretrace.web.service import Service, WebConfig

__all__ = ["Service", "WebConfig", "create_app"]
