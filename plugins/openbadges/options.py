"""The typed options of the ``ob3`` and ``ob2`` formats (``Ob3Format.Options``,
``Ob2Format.Options``): the privacy options, baking and the credbridge extension of the
writers, and the eduCredentials profile of the ob3 writer."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from credbridge.errors import UsageError
from credbridge.options import FormatOptions
from pydantic import Field, field_validator

LEARNER_FIELDS = ("id", "identifiers", "given_name", "family_name", "full_name", "birth_date",
                  "national_id", "email", "citizenship")
"""The learner fields ``omit_learner`` may name (besides ``all``)."""


class BadgeOptions(FormatOptions):
    """What the Open Badges writers can be told; the readers take none of them."""

    hash_recipient: bool = Field(
        False, description="write the learner's e-mail only as a salted SHA-256 hash")
    salt: str | None = Field(
        None, description="the salt of hash_recipient (default: a random one per credential)")
    omit_learner: str | None = Field(
        None, description="learner fields not to write: comma-separated, or 'all'")
    bake: Path | None = Field(
        None, description="bake the credential into this PNG or SVG badge image")
    no_extension: bool = Field(
        False, description="write no credbridge extension: what the standard terms cannot "
        "hold is dropped (reported)")

    @field_validator("omit_learner")
    @classmethod
    def _known_learner_fields(cls, value: str | None) -> str | None:
        # an unknown name is an error of the call, before any credential is written
        omitted_fields(value)
        return value

    def omitted(self) -> tuple[str, ...]:
        """The learner fields to leave out (every one for ``all``)."""
        return omitted_fields(self.omit_learner)


class Ob3Options(BadgeOptions):
    """The ``ob3`` writer's options: those of both badge versions, and the profile."""

    profile: Literal["ob3", "auto", "educredentials"] = Field(
        "ob3", description="ob3 (default): plain OB 3.0, published contexts only (what "
        "pinned-context verifiers accept); auto: eduCredentials terms when the source used "
        "them; educredentials: every credential as an eduCredentials EducredentialAchievement "
        "(both add the eduCredentials context inline)")


def omitted_fields(value: str | None) -> tuple[str, ...]:
    """The learner fields named by an ``omit_learner`` value; an unknown name is a
    :class:`~credbridge.errors.UsageError` that lists the valid ones."""
    names = [n.strip() for n in (value or "").split(",") if n.strip()]
    unknown = [n for n in names if n not in ("all", *LEARNER_FIELDS)]
    if unknown:
        raise UsageError(f"option omit_learner: unknown learner field(s) "
                         f"{', '.join(map(repr, unknown))}; valid: all, "
                         f"{', '.join(LEARNER_FIELDS)}")
    return LEARNER_FIELDS if "all" in names else tuple(dict.fromkeys(names))
