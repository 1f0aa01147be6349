"""Typed format options: each format declares a pydantic model; the core validates and routes.

A format declares its options as a subclass of :class:`FormatOptions`::

    class CsvOptions(FormatOptions):
        text_lang: str | None = Field(None, description="Language of plain text columns.")

    class CsvFormat(Format):
        Options = CsvOptions

An unknown or mistyped option is a :class:`~credbridge.errors.UsageError` that names the
option, the format and the valid names ("did you mean omit_learner?"). The models are frozen:
a format never changes its options, and one options object can be reused across calls.

Callers give options as a mapping, either per format (``{"ob3": {"omit_learner": "all"}}``,
what ``-O ob3.omit_learner=all`` builds) or flat (``{"omit_learner": "all"}``): a flat name goes
to every format of the call that declares it, and a name no format of the call declares is an
error.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import UsageError


class FormatOptions(BaseModel):
    """Base of every format's options model: unknown names are refused, values are frozen.

    Give each field a default and a ``description`` (it becomes the ``--help`` text of the
    generated CLI flag and of the HTTP service's parameter).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Format(Protocol):
    """What option handling needs of a format (:class:`credbridge.formats.Format` has it):
    declared here so that this module does not import the format contract."""

    name: ClassVar[str]
    Options: ClassVar[type[FormatOptions]]


OptionsInput = Mapping[str, Any] | None
"""What callers pass: per-format mappings and/or flat names (see the module docstring)."""


def option_names(fmt: Format) -> list[str]:
    """The option names a format declares."""
    return list(fmt.Options.model_fields)


def _suggest(name: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _valid_list(fmt: Format) -> str:
    names = option_names(fmt)
    return ", ".join(names) if names else "none"


def build_options(fmt: Format, values: Mapping[str, Any] | FormatOptions | None) -> FormatOptions:
    """The validated options of ``fmt`` from a mapping (or an options object of its model).

    Raises :class:`UsageError` naming the option, the format and the valid names."""
    if isinstance(values, fmt.Options):
        return values
    if isinstance(values, FormatOptions):
        raise UsageError(f"options of type {type(values).__name__} are not the options of "
                         f"format {fmt.name} ({fmt.Options.__name__})")
    data = dict(values or {})
    for name in data:
        if name not in fmt.Options.model_fields:
            raise UsageError(f"format {fmt.name} has no option {name!r}"
                             f"{_suggest(name, option_names(fmt))}; its options: "
                             f"{_valid_list(fmt)}")
    try:
        return fmt.Options.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err.get("loc", ())) or "?"
        raise UsageError(f"option {fmt.name}.{loc}: {err.get('msg', 'invalid value')} "
                         f"(got {err.get('input')!r})") from None


def resolve_options(formats: Iterable[Format], given: OptionsInput) -> dict[str, FormatOptions]:
    """The validated options of each format of a call, from per-format and flat entries.

    ``given`` maps a format name to that format's mapping, or an option name to a value for
    every format of the call that declares it. A format of ``formats`` with no entry gets its
    defaults; an entry that fits no format of the call is a :class:`UsageError`.
    """
    fmts = {f.name: f for f in formats}
    per_format: dict[str, dict[str, Any]] = {name: {} for name in fmts}
    objects: dict[str, FormatOptions] = {}
    for key, value in (given or {}).items():
        if key in fmts and isinstance(value, FormatOptions):
            objects[key] = value
            continue
        if key in fmts and isinstance(value, Mapping):
            per_format[key].update(value)
            continue
        if isinstance(value, Mapping | FormatOptions):
            raise UsageError(f"options for format {key!r}, which this call neither reads nor "
                             f"writes (it uses {', '.join(fmts) or 'no format'})")
        owners = [f for f in fmts.values() if key in f.Options.model_fields]
        if not owners:
            raise UsageError(_no_owner(key, fmts))
        for f in owners:
            per_format[f.name][key] = value
    resolved = {}
    for name, fmt in fmts.items():
        if name in objects:
            resolved[name] = build_options(fmt, objects[name]) if not per_format[name] else \
                build_options(fmt, {**objects[name].model_dump(exclude_unset=True),
                                    **per_format[name]})
        else:
            resolved[name] = build_options(fmt, per_format[name])
    return resolved


def _no_owner(key: str, fmts: Mapping[str, Format]) -> str:
    all_names = {n for f in fmts.values() for n in option_names(f)}
    listed = "; ".join(f"{f.name}: {_valid_list(f)}" for f in fmts.values())
    involved = ", ".join(fmts) or "none"
    return (f"unknown option {key!r}{_suggest(key, all_names)}: no format of this call "
            f"({involved}) declares it; valid options — {listed}")


def parse_assignment(text: str) -> tuple[str, str, str]:
    """``FORMAT.KEY=VALUE`` (the CLI's ``-O``) as (format, key, value)."""
    target, sep, value = text.partition("=")
    fmt, dot, key = target.strip().partition(".")
    if not sep or not dot or not fmt or not key:
        raise UsageError(f"-O {text!r}: expected FORMAT.KEY=VALUE (e.g. ob3.omit_learner=all)")
    return fmt, key.strip().replace("-", "_"), value
