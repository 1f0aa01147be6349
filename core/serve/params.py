"""The parameters of a request: query string and form fields, as the CLI's flags.

``to``, ``from``, ``filename``, ``report``, ``strict``, ``strict_input``, ``text_lang``,
``validate``, ``verify``, ``fail_on``, ``fail_if_warnings`` and ``zip`` are the service's own;
the trust material of ``verify`` comes as file fields of a multipart upload (``trust``,
``status_list``, ``payload``: :data:`MATERIAL`), never as a parameter or a URL; every
other name is a format option: ``omit_learner=all`` (a flat name, given to each format of the
call that declares it, as the generated CLI flag ``--omit-learner``) or
``ob3.omit_learner=all`` (one format's, as ``-O ob3.omit_learner=all``).
Names may use ``-`` for ``_``. Unknown names are refused by the options' validation, with the
valid names and a "did you mean".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import UsageError

ReportMode = Literal["header", "multipart", "only"]
REPORT_MODES: tuple[str, ...] = ("header", "multipart", "only")

OWN: dict[str, str] = {
    "to": "The output format (GET /formats lists them).",
    "from": "The input format; default: by the file name's extension, else by content.",
    "filename": "The input's file name: for detection by extension, in messages and in the "
                "output's name (multipart uploads carry their own).",
    "report": "Where the report goes: header (a summary in Credbridge-* headers; the default),"
              " multipart (multipart/form-data: the output part, then the report part, as the "
              "conversion streams), only (the report as JSON, no output).",
    "strict": "Refuse (422) when anything was dropped: fail_on=dropped.",
    "fail_on": "Comma-separated message codes that make the answer 422 (failure-policy), e.g. "
               "dropped,approximated.",
    "fail_if_warnings": "Refuse (422) when the report has a warning.",
    "zip": "One file per credential in a zip archive (as -o DIR/), even for one credential.",
    "strict_input": "A record whose input breaks a rule of its format's schema fails (default:"
                    " read it and warn, naming the rule).",
    "text_lang": "Language tag for texts of unknown language when the target needs one "
                 "(default: the credential's language of instruction, else en).",
    "verify": "Check the proofs of each input offline and report each (proof-verified, "
              "proof-invalid, proof-unchecked), as convert --verify: keys and trust anchors "
              "come from did:key and the multipart file fields trust (and status_list); "
              "nothing is fetched.",
    "validate": "Check each output against the target's official schema or shapes (the "
                "server's schemas folder) before writing it; an invalid one is a failed record.",
}
"""The service's own parameters and their descriptions (the OpenAPI document's)."""

MATERIAL: dict[str, str] = {
    "trust": "Keys and trust anchors (repeatable): DID documents, JWK sets, PEM certificates "
             "(self-signed ones are anchors that seals must chain to), as --trust.",
    "status_list": "A status list credential (BitstringStatusList, StatusList2021; "
                   "repeatable): the status entries are looked up in it offline, as "
                   "--status-list.",
    "payload": "The detached payload of a JAdES seal (POST /verify only), as --payload.",
}
"""The file fields of a multipart upload that are trust material, not documents."""

TRUE = frozenset({"", "1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


@dataclass
class Params:
    """One request's parameters."""

    to: str | None = None
    from_format: str | None = None
    filename: str | None = None
    report: ReportMode = "header"
    strict: bool = False
    fail_on: list[str] = field(default_factory=list)
    fail_if_warnings: bool = False
    zip: bool = False
    strict_input: bool = False
    text_lang: str | None = None
    validate: bool = False
    verify: bool = False
    trust: list[str] = field(default_factory=list)
    """The saved ``trust`` files (set by the service from the upload, not a parameter)."""
    status_lists: list[str] = field(default_factory=list)
    """The saved ``status_list`` files (set by the service from the upload)."""
    schemas: Path | None = None
    """The service's schemas folder, for ``validate`` (set by the service, not a parameter)."""
    options: dict[str, Any] = field(default_factory=dict)
    """For :func:`~credbridge.options.resolve_options`: flat names and per-format mappings."""


def _flag(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise UsageError(f"parameter {name}: {value!r} is not a boolean (true or false)")


def parse(pairs: Iterable[tuple[str, str]], *, allowed: Iterable[str] | None = None,
          options: bool = True, endpoint: str = "") -> Params:
    """The parameters of ``pairs`` (query string then form fields); ``allowed`` restricts
    the service's own names, ``options`` whether format options are accepted."""
    params = Params()
    own = set(OWN if allowed is None else allowed)
    for raw_name, value in pairs:
        name = raw_name.strip().replace("-", "_")
        if name in own:
            _set(params, name, value)
        elif name in OWN or not options:
            valid = ", ".join(sorted(own)) or "none"
            raise UsageError(f"{endpoint or 'this endpoint'} takes no parameter {raw_name!r} "
                             f"(its parameters: {valid})")
        elif "." in name:
            fmt, _, key = name.partition(".")
            per = params.options.setdefault(fmt, {})
            if not isinstance(per, dict):
                raise UsageError(f"parameter {raw_name!r}: {fmt} is also given as an option")
            per[key] = value
        else:
            params.options[name] = value
    return params


def _set(params: Params, name: str, value: str) -> None:
    if name == "to":
        params.to = value.strip() or None
    elif name == "from":
        params.from_format = value.strip() or None
    elif name == "filename":
        params.filename = value.strip() or None
    elif name == "report":
        if value not in REPORT_MODES:
            raise UsageError(f"parameter report: {value!r} is not one of "
                             f"{', '.join(REPORT_MODES)}")
        params.report = value  # type: ignore[assignment]
    elif name == "fail_on":
        params.fail_on += [c.strip() for c in value.split(",") if c.strip()]
    elif name == "text_lang":
        params.text_lang = value.strip() or None
    elif name in ("strict", "fail_if_warnings", "zip", "strict_input", "validate",
                  "verify"):
        setattr(params, name, _flag(name, value))
