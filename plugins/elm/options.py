"""The typed options of the ``elm``, ``elm-ttl`` and ``elm-rdfxml`` formats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from credbridge.options import FormatOptions
from pydantic import Field

if TYPE_CHECKING:
    from credbridge.context import Context


class ElmOptions(FormatOptions):
    """What the ELM writers can be told (``--embed-source``, ``--ebsi``)."""

    embed_source: bool = Field(
        False, description="embed the input document as evidence (EC 'converted' profile)")
    ebsi: bool = Field(
        False, description="elm (JSON-LD) only: write the EBSI profile, a VCDM 2.0 EDC (VC 2.0 "
        "context, type VerifiableAttestation, issued and validFrom) valid against EBSI's "
        "Europass EDC JSON Schema")


def elm_options(ctx: Context) -> ElmOptions:
    """The ELM options of a call (the defaults when the context carries the bare base model,
    as a context made by hand does)."""
    opts = ctx.options
    if isinstance(opts, ElmOptions):
        return opts
    if type(opts) is FormatOptions:
        return ElmOptions()
    raise TypeError(f"the options of format {ctx.format} are {type(opts).__name__}, "
                    "not ElmOptions")
