"""Records that share one document (docs/design.md §2.1): how writers group them back.

A reader of a many-claim document (a transcript of records: one ELM credential with three
claims, an ELMO report with many learning opportunities) yields one canonical record per claim,
each with the same :class:`~credbridge.model.Container` (``document``: the document's id, title,
and the record's position among ``count``). A writer of a format that holds many claims in one
document takes the records back through :func:`grouped` and writes each group as one document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .report import Code

if TYPE_CHECKING:
    from .context import Context, Source
    from .model import MicroCredential


@dataclass(frozen=True)
class Member:
    """One record of a group, with the position the engine gave it (for its messages)."""

    credential: MicroCredential
    record: str | int | None
    source: Source | None
    file: str | None


def document_key(cred: MicroCredential) -> tuple[str, int] | None:
    """What makes records one document: the container's id and count (``None``: a record that
    is a document of its own)."""
    doc = cred.document
    if doc is None or doc.count < 2:
        return None
    return (doc.id or "", doc.count)


def same_document(a: MicroCredential, b: MicroCredential) -> bool:
    """True when ``a`` and ``b`` are records of one many-record document."""
    key = document_key(a)
    return key is not None and key == document_key(b)


def grouped(credentials: Iterable[MicroCredential], ctx: Context) -> Iterator[list[Member]]:
    """Consecutive records of one document as one group, in position order; a record without a
    container is a group of its own. A group is complete when it holds ``count`` records, so a
    complete group is given to the writer before the next credential is taken; a record of
    another document ends a group early (reported: the missing records are not written)."""
    group: list[Member] = []
    for cred in credentials:
        member = Member(cred, ctx.record, ctx.source, ctx.file)
        if group and not same_document(group[0].credential, cred):
            yield _closed(group, ctx)
            group = []
        key = document_key(cred)
        if key is None:
            yield [member]
            continue
        group.append(member)
        if len(group) == key[1]:
            yield _closed(group, ctx)
            group = []
    if group:
        yield _closed(group, ctx)


def _closed(group: list[Member], ctx: Context) -> list[Member]:
    ordered = sorted(group, key=lambda m: m.credential.document.position
                     if m.credential.document else 0)
    first = ordered[0].credential.document
    if first is not None and len(ordered) < first.count:
        with speaking_for(ordered[0], ctx):
            ctx.say(Code.APPROXIMATED, "document",
                    f"{len(ordered)} of the document's {first.count} records were given: "
                    "the document is written with these only")
    return ordered


@contextmanager
def speaking_for(member: Member, ctx: Context) -> Iterator[Context]:
    """Messages of the block name ``member`` (its record, file and source), as when the
    engine handed it over; the context's position is restored after the block."""
    saved = (ctx.record, ctx.source, ctx.file)
    ctx.record, ctx.source, ctx.file = member.record, member.source, member.file
    try:
        yield ctx
    finally:
        ctx.record, ctx.source, ctx.file = saved


def report_shared(group: list[Member], ctx: Context, fields: tuple[str, ...]) -> None:
    """Report each record whose value of a field the document says once (``fields``: the
    learner, the issuer, the date of issuing...) differs from the first record's, which is
    the one written."""
    first = group[0].credential
    for member in group[1:]:
        for name in fields:
            if getattr(member.credential, name) != getattr(first, name):
                with speaking_for(member, ctx):
                    ctx.say(Code.APPROXIMATED, name, f"the document says {name} once: the "
                            "first record's is written for every record")


def prefixed(ctx: Context, prefix: str) -> Context:
    """A context whose messages name fields below ``prefix`` (``parts[].``): for a writer
    that writes a part with the code it writes a record with. Same report and position."""
    import dataclasses

    from .context import Context as Base

    class _Prefixed(Base):
        def say(self, code: Any, field: str | None = None, detail: str = "", *,
                record: str | int | None = None, severity: Any = None) -> Any:
            return super().say(code, f"{prefix}{field}" if field else field, detail,
                               record=record, severity=severity)

    return _Prefixed(**{f.name: getattr(ctx, f.name) for f in dataclasses.fields(ctx)})
