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

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from credbridge import Code, Format, InputError, MicroCredential, Options, Report
from credbridge.safety import load_json

MARKER = "example-json/1"

KEYS = ("format", "id", "title", "lang", "awarding_body", "country", "issued", "eqf", "ects")


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

    def sniff(self, head: bytes) -> bool:
        """Ours when the object declares ``"format": "example-json/1"``."""
        return head.lstrip()[:1] == b"{" and b'"example-json/1"' in head

    def read(
        self, stream: IO[bytes], report: Report, options: Options
    ) -> Iterator[MicroCredential]:
        """One object (possibly pretty-printed) or JSON Lines; bad lines are reported."""
        data = stream.read()
        try:
            objects = [(1, load_json(data, what="example-json"))]
        except InputError:
            objects = [(n, line) for n, line in enumerate(data.splitlines(), 1) if line.strip()]
        for record, item in objects:
            if isinstance(item, bytes):
                try:
                    item = load_json(item, what="example-json line")
                except InputError as exc:
                    report.add(Code.INVALID_RECORD, exc.message, format=self.name, record=record)
                    report.records_failed += 1
                    continue
            if not isinstance(item, dict):
                report.add(Code.INVALID_RECORD, "an example-json credential is a JSON object",
                           format=self.name, record=record)
                report.records_failed += 1
                continue
            cred = self.build(self._canonical(item, report, record), report, record)
            if cred is not None:
                yield cred

    def _canonical(self, item: dict[str, Any], report: Report, record: int) -> dict[str, Any]:
        for key in item:
            if key not in KEYS:
                report.add(Code.IGNORED_INPUT, f"unknown key {key!r} ignored", format=self.name,
                           record=record)
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
        self,
        credentials: Iterable[MicroCredential],
        stream: IO[bytes],
        report: Report,
        options: Options,
    ) -> None:
        """One credential: an indented object; several: JSON Lines."""
        items = iter(credentials)
        first = next(items, None)
        if first is None:
            return
        second = next(items, None)
        if second is None:
            stream.write(json.dumps(self._flat(first, report), indent=2,
                                    ensure_ascii=False).encode() + b"\n")
            return
        for cred in (first, second, *items):
            stream.write(json.dumps(self._flat(cred, report), ensure_ascii=False).encode()
                         + b"\n")

    def _flat(self, cred: MicroCredential, report: Report) -> dict[str, Any]:
        out: dict[str, Any] = {"format": MARKER}
        if cred.id:
            out["id"] = cred.id
        lang = _pick_language(cred.title)
        if cred.title:
            out["title"] = cred.title[lang]
            if lang != "und":
                out["lang"] = lang
            if len(cred.title) > 1:
                report.add(Code.APPROXIMATED, f"title written in {lang} only", field="title",
                           format=self.name)
        if cred.awarding_bodies:
            body = cred.awarding_bodies[0]
            if len(cred.awarding_bodies) > 1:
                report.add(Code.APPROXIMATED, "only the first awarding body is written",
                           field="awarding_bodies", format=self.name)
            if body.name:
                name_lang = lang if lang in body.name else _pick_language(body.name)
                out["awarding_body"] = body.name[name_lang]
                if len(body.name) > 1:
                    report.add(Code.APPROXIMATED, "awarding body name written in one language",
                               field="awarding_bodies[].name", format=self.name)
            if body.country:
                out["country"] = body.country
        if cred.issued is not None:
            out["issued"] = cred.issued.isoformat()
        if cred.levels and cred.levels.eqf is not None:
            out["eqf"] = cred.levels.eqf
        if cred.workload and cred.workload.ects is not None:
            out["ects"] = format(cred.workload.ects.normalize(), "f")
        return out


def _pick_language(text: dict[str, str]) -> str:
    """English when present, else the first language given."""
    return "en" if "en" in text else next(iter(text), "und")
