"""Command-line flags generated from the formats' typed options.

Every option a format declares (``Format.Options``, a pydantic model) becomes a flag of
``convert``: ``omit_learner`` -> ``--omit-learner``. Formats that declare the same name with
the same type share one flag, given to each of them that the conversion uses. A name that would
clash with a core flag is reachable only through the generic ``-O FORMAT.KEY=VALUE``. In
``convert --help`` the flags are listed in one section per format (third-party formats
included), after the core options.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

RESERVED = frozenset({
    "to", "from", "output", "report", "strict", "fail-on", "fail-if-warnings", "stop-on-error",
    "quiet", "jobs", "max-bytes", "recursive", "help", "version", "force", "strict-input",
    "text-lang", "limit", "validate", "schemas", "sign", "cert", "sign-suite", "verify",
    "trust", "status-list", "map",
})
"""Flags of the core: an option with one of these names is given with ``-O`` only."""


@dataclass
class GeneratedFlag:
    """One generated flag and the formats whose option it sets."""

    name: str
    """The option's name in the models (``omit_learner``)."""
    param: click.Option
    formats: list[str] = field(default_factory=list)


def _click_type(annotation: Any) -> tuple[Any, bool]:
    """The click type of an option's annotation, and whether it is a boolean flag."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if annotation is bool:
        return None, True
    if annotation is int:
        return click.INT, False
    if annotation is float:
        return click.FLOAT, False
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return click.Path(dir_okay=False), False
    return click.STRING, False


def generated_flags() -> list[GeneratedFlag]:
    """The flags of every registered format's options, in registration order."""
    from .plugin_manager import get_formats  # when convert runs or shows its help

    flags: dict[str, GeneratedFlag] = {}
    signatures: dict[str, Any] = {}
    for fmt in get_formats():
        for name, info in fmt.Options.model_fields.items():
            flag = name.replace("_", "-")
            if flag in RESERVED:
                continue
            if flag in flags:
                if signatures[flag] == info.annotation:
                    flags[flag].formats.append(fmt.name)
                continue
            kind, is_flag = _click_type(info.annotation)
            help_text = info.description or ""
            param = click.Option([f"--{flag}", name], is_flag=is_flag,
                                 default=None if not is_flag else False, type=kind,
                                 help=help_text, expose_value=True)
            flags[flag] = GeneratedFlag(name, param, [fmt.name])
            signatures[flag] = info.annotation
    return list(flags.values())


class FormatOptionsCommand(click.Command):
    """A command whose format flags are generated when first needed (not at import, so that
    ``credbridge --version`` loads no plugin), and whose help lists them per format."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._generated: list[GeneratedFlag] | None = None

    def generated(self) -> list[GeneratedFlag]:
        """The generated flags (made once per command object)."""
        if self._generated is None:
            self._generated = generated_flags()
        return self._generated

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """The declared parameters, then the generated format flags (before ``--help``)."""
        params = super().get_params(ctx)
        extra = [g.param for g in self.generated()]
        help_option = [p for p in params if p.name == "help"]
        rest = [p for p in params if p.name != "help"]
        return rest + extra + help_option

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Core options first, then one section per format (or group sharing a flag)."""
        generated = {id(g.param) for g in self.generated()}
        core = [p.get_help_record(ctx) for p in self.get_params(ctx)
                if isinstance(p, click.Option) and id(p) not in generated]
        with formatter.section("Options"):
            formatter.write_dl([r for r in core if r])
        sections: dict[str, list[tuple[str, str]]] = {}
        for g in self.generated():
            record = g.param.get_help_record(ctx)
            if record:
                sections.setdefault(", ".join(g.formats), []).append(record)
        for names, records in sections.items():
            with formatter.section(f"Options of {names} (also -O FORMAT.KEY=VALUE)"):
                formatter.write_dl(records)


def collect_options(command: click.Command, values: dict[str, Any],
                    assignments: Sequence[str]) -> dict[str, Any]:
    """The options mapping for the batch engine from generated flags (flat names, routed to
    the formats of the call that declare them) and ``-O FORMAT.KEY=VALUE`` (per format).
    Removes the generated flags from ``values``."""
    from .options import parse_assignment  # pydantic: imported when convert runs

    options: dict[str, Any] = {}
    if isinstance(command, FormatOptionsCommand):
        for g in command.generated():
            value = values.pop(g.name, None)
            if value is not None and value is not False:
                options[g.name] = value
    for text in assignments:
        fmt, key, value = parse_assignment(text)
        options.setdefault(fmt, {})
        if not isinstance(options[fmt], dict):
            options[fmt] = {}
        options[fmt][key] = value
    return options
