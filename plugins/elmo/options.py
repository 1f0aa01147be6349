"""The typed options of the ``ds``, ``ds-html`` and ``elmo`` formats."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeVar

from credbridge.options import FormatOptions
from pydantic import Field

if TYPE_CHECKING:
    from credbridge.context import Context


class DsOptions(FormatOptions):
    """Options of a written Diploma Supplement (``ds``, ``ds-html``)."""

    language: str | None = Field(
        None, description="The one language of the Diploma Supplement (a language tag such as "
        "'en'); default: the language of the supplement the credential was read from, else "
        "English when the title has it, else the title's first language.")


class ElmoOptions(DsOptions):
    """Options of a written ELMO report (``language`` is that of its embedded supplement)."""

    omit_diploma_supplement: bool = Field(
        False, description="Write the ELMO report without the embedded Diploma Supplement.")
    generated_date: dt.datetime | None = Field(
        None, description="The report's generatedDate (an ISO 8601 date-time); default: the "
        "one read from ELMO, else the time of conversion.")


OptionsT = TypeVar("OptionsT", bound=FormatOptions)


def options_of(ctx: Context, model: type[OptionsT]) -> OptionsT:
    """``ctx.options`` as the options model of the format the context is for."""
    opts = ctx.options
    assert isinstance(opts, model), f"{ctx.format}: options are not {model.__name__}"
    return opts
