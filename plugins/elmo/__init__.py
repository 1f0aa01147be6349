"""EMREX ELMO (``elmo``), Diploma Supplement fragments (``ds``) and their HTML view
(``ds-html``); see docs/formats/elmo.md and docs/formats/ds.md."""

from __future__ import annotations

from collections.abc import Callable

from credbridge.formats import Format
from credbridge.hookspecs import hookimpl

from .format import DsFormat, DsHtmlFormat, ElmoFormat


@hookimpl
def register_formats(register: Callable[[Format], None]) -> None:
    """Register the ``elmo``, ``ds`` and ``ds-html`` formats."""
    register(ElmoFormat())
    register(DsFormat())
    register(DsHtmlFormat())
