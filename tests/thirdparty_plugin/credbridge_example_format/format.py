"""``example-json``: a micro-credential as one flat JSON object.

::

    {"format": "example-json/1", "id": "urn:uuid:...", "title": "Data Analysis",
     "lang": "en", "awarding_body": "University of Zed", "country": "IE",
     "issued": "2025-06-30", "eqf": 6, "ects": "5"}

Several credentials are written as JSON Lines, one object per line. The format carries a few
canonical fields only and says so in ``fields``: credbridge reports everything else as dropped
before the writer sees a credential; the writer reports what it keeps only in part.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from credbridge import Code, Context, Format, FormatOptions, InputError, MicroCredential
from credbridge.safety import load_json
from pydantic import Field

MARKER = "example-json/1"

KEYS = ("format", "id", "title", "lang", "awarding_body", "country", "issued", "eqf", "ects")


class ExampleJsonOptions(FormatOptions):
    """What ``example-json`` can be told: ``-O example-json.lang=fr`` on the command line,
    ``options={"example-json": {"lang": "fr"}}`` from the library."""

    lang: str | None = Field(None, description="language to write the title in when the "
                                               "credential has several (default: English)")


class ExampleJsonFormat(Format):
    """A flat JSON object with a handful of canonical fields."""

    name = "example-json"
    title = "Example flat JSON (third-party plugin)"
    extensions = (".example.json",)
    media_types = ("application/vnd.example.credential+json",)
    fields = {
        "id": "exact",
        "title": "lossy",  # one language only
        "awarding_bodies[].name": "lossy",  # the first body, in one language
        "awarding_bodies[].country": "lossy",  # the first body's country
        "issued": "exact",
        "levels.eqf": "exact",
        "workload.ects": "exact",
    }
    json_lines = True
    Options = ExampleJsonOptions

    def sniff(self, head: bytes) -> bool:
        """Ours when the object declares ``"format": "example-json/1"``."""
        return head.lstrip()[:1] == b"{" and b'"example-json/1"' in head

    def read(self, stream: IO[bytes], ctx: Context) -> Iterator[MicroCredential]:
        """One object (possibly pretty-printed) or JSON Lines; bad lines are reported."""
        data = stream.read()
        objects: list[tuple[str | None, Any]]
        try:
            objects = [(None, load_json(data, what="example-json"))]  # the whole document
        except InputError:
            objects = [(f"line {n}", line) for n, line in enumerate(data.splitlines(), 1)
                       if line.strip()]
        for label, item in objects:
            ctx.record = label  # names the record in messages, and the credential yielded
            if isinstance(item, bytes):
                try:
                    item = load_json(item, what="example-json line")
                except InputError as exc:
                    ctx.failed(exc.message)
                    continue
            if not isinstance(item, dict):
                ctx.failed("an example-json credential is a JSON object")
                continue
            cred = self.build(self._canonical(item, ctx), ctx)
            if cred is not None:
                yield cred

    def _canonical(self, item: dict[str, Any], ctx: Context) -> dict[str, Any]:
        for key in item:
            if key not in KEYS:
                ctx.say(Code.IGNORED_INPUT, None, f"unknown key {key!r} ignored")
        data: dict[str, Any] = {}
        if item.get("id"):
            data["id"] = item["id"]
        lang = item.get("lang") or "und"
        if item.get("title"):
            data["title"] = {lang: item["title"]}
        body: dict[str, Any] = {}
        if item.get("awarding_body"):
            body["name"] = {lang: item["awarding_body"]}
        if item.get("country"):
            body["country"] = item["country"]
        if body:
            data["awarding_bodies"] = [body]
        if item.get("issued"):
            data["issued"] = item["issued"]
        if item.get("eqf") is not None:
            data["levels"] = {"eqf": item["eqf"]}
        if item.get("ects") is not None:
            data["workload"] = {"ects": str(item["ects"])}
        return data

    def write(
        self, credentials: Iterable[MicroCredential], stream: IO[bytes], ctx: Context
    ) -> None:
        """One credential: an indented object; several (or a chunk of a JSON Lines batch,
        ``ctx.json_lines``): JSON Lines."""
        opts = ctx.options
        prefer = opts.lang if isinstance(opts, ExampleJsonOptions) else None
        # flattened as each credential is taken: ctx.record names the one taken last
        objects = (self._flat(cred, ctx, prefer) for cred in credentials)
        first = next(objects, None)
        if first is None:
            return
        second = next(objects, None)
        if second is None and not ctx.json_lines:
            stream.write(json.dumps(first, indent=2, ensure_ascii=False).encode() + b"\n")
            return
        taken = [first] if second is None else [first, second]
        for obj in itertools.chain(taken, objects):  # streamed: never all in memory
            stream.write(json.dumps(obj, ensure_ascii=False).encode() + b"\n")

    def _flat(self, cred: MicroCredential, ctx: Context, prefer: str | None) -> dict[str, Any]:
        out: dict[str, Any] = {"format": MARKER}
        if cred.id:
            out["id"] = cred.id
        lang = _pick_language(cred.title, prefer)
        if cred.title:
            out["title"] = cred.title[lang]
            if lang != "und":
                out["lang"] = lang
            if len(cred.title) > 1:
                ctx.say(Code.APPROXIMATED, "title", f"title written in {lang} only")
        if cred.awarding_bodies:
            body = cred.awarding_bodies[0]
            if len(cred.awarding_bodies) > 1:
                ctx.say(Code.APPROXIMATED, "awarding_bodies",
                        "only the first awarding body is written")
            if body.name:
                # one "lang" key holds the language of the title and of the body's name
                name_lang = lang if lang in body.name else _pick_language(body.name, prefer)
                out["awarding_body"] = body.name[name_lang]
                if len(body.name) > 1:
                    ctx.say(Code.APPROXIMATED, "awarding_bodies[].name",
                            "awarding body name written in one language")
                elif name_lang != lang:
                    ctx.say(Code.APPROXIMATED, "awarding_bodies[].name",
                            f"awarding body name in {name_lang} is read back as "
                            f"{lang} (the title's language)")
            if body.country:
                out["country"] = body.country
        if cred.issued is not None:
            out["issued"] = cred.issued.isoformat()
        if cred.levels and cred.levels.eqf is not None:
            out["eqf"] = cred.levels.eqf
        if cred.workload and cred.workload.ects is not None:
            out["ects"] = format(cred.workload.ects.normalize(), "f")
        return out


def _pick_language(text: dict[str, str], prefer: str | None = None) -> str:
    """``prefer`` when present, else English, else the first language given."""
    for lang in (prefer, "en"):
        if lang and lang in text:
            return lang
    return next(iter(text), "und")
