"""The ID/IDREF links of an EDC XML document: index, resolution and the used-element ledger.

EDC XML keeps specifications, outcomes, organisations, awarding processes, scoring schemes and
accreditations in ``…References`` sections linked by ``@id``/``@idref``. The XSD's key/keyref
constraints cover only some of these links, so the reader resolves every reference itself and
reports dangling ones. The ledger remembers which elements the reader mapped; whatever is left
is reported as ``ignored-input`` (nothing is lost silently on read).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from credbridge.context import Context
from credbridge.report import Code

from .names import clean_uri, local


class Document:
    """One ``europassCredential`` element with its reference index and used-element ledger."""

    def __init__(self, root: Any, ctx: Context) -> None:
        self.root = root
        self.ctx = ctx
        self.by_id: dict[str, list[Any]] = {}
        """Each id with the elements that carry it (real documents give one id to an
        organisation and a specification: a reference is resolved by the kind it expects)."""
        self._used: set[Any] = set()
        self._deep: set[Any] = set()
        self.dangling: set[str] = set()
        self._shared_reported: set[str] = set()
        # one XPath each finds the elements with an @id / @idref (in document order), not a
        # Python look at every element
        for element in root.xpath("descendant-or-self::*[@id]"):
            ident = element.get("id")
            self.by_id.setdefault(clean_uri(ident) or ident, []).append(element)
        self._check_references()

    def _check_references(self) -> None:
        """Report every ``@idref`` that names no element of the document (with its line)."""
        for element in self.root.xpath("descendant-or-self::*[@idref]"):
            ref = element.get("idref")
            key = clean_uri(ref) or ""
            if key not in self.by_id:
                self.dangling.add(key)
                self.ctx.say(Code.INVALID_VALUE, None,
                             f"dangling reference: <{local(element)} idref=\"{ref}\"> (line "
                             f"{element.sourceline}) names no element of the document; ignored")
                self.use(element)

    def resolve(self, ref_element: Any | None, *kinds: str) -> Any | None:
        """The element an ``idref`` element points to (``None`` when absent or dangling).

        ``kinds`` are the local names the target may have; a target of another kind is
        reported and not followed."""
        if ref_element is None:
            return None
        self.use(ref_element)
        key = clean_uri(ref_element.get("idref"))
        if key is None:
            inline = ref_element if len(ref_element) else None
            return inline
        candidates = self.by_id.get(key)
        if not candidates:
            return None
        target = next((c for c in candidates if local(c) in kinds), candidates[0]) \
            if kinds else candidates[0]
        if len({local(c) for c in candidates}) > 1 and key not in self._shared_reported:
            self._shared_reported.add(key)
            others = ", ".join(f"<{local(c)}> (line {c.sourceline})" for c in candidates
                               if c is not target)
            self.ctx.say(Code.INVALID_VALUE, None,
                         f"the id {key!r} is also given to {others}: the reference from "
                         f"<{local(ref_element)}> (line {ref_element.sourceline}) is resolved "
                         f"to the <{local(target)}> it expects")
        if kinds and local(target) not in kinds:
            self.ctx.say(Code.INVALID_VALUE, None,
                         f"reference {key!r} from <{local(ref_element)}> (line "
                         f"{ref_element.sourceline}) names a <{local(target)}>, expected "
                         f"{' or '.join(kinds)}; ignored")
            return None
        return target

    def use(self, element: Any | None, *, deep: bool = False) -> None:
        """Mark ``element`` as mapped (``deep``: with everything below it)."""
        if element is None:
            return
        self._used.add(element)
        if deep:
            self._deep.add(element)

    def unused_paths(self) -> Counter[str]:
        """Paths (local names from the root) of the top-most elements nobody mapped."""
        counts: Counter[str] = Counter()
        self._walk(self.root, "", counts)
        return counts

    def _walk(self, element: Any, path: str, counts: Counter[str]) -> None:
        for child in element:
            name = local(child)
            if not name:
                continue
            child_path = f"{path}/{name}" if path else name
            if child in self._deep:
                continue
            if child not in self._used:
                if _is_blank(child):
                    continue
                counts[child_path] += 1
                continue
            self._walk(child, child_path, counts)

    def report_unused(self, record: str | int | None = None) -> None:
        """One ``ignored-input`` message listing every path of unmapped elements (with their
        number when several)."""
        paths = sorted(self.unused_paths().items())
        if not paths:
            return
        listed = "; ".join(f"{p} ({n})" if n > 1 else p for p, n in paths)
        self.ctx.say(Code.IGNORED_INPUT, None, f"{sum(n for _, n in paths)} input element(s) have "
                     f"no place in the canonical model and were not read: {listed}", record=record)


def _is_blank(element: Any) -> bool:
    """An element without attributes, text or children (``<proof></proof>``) carries nothing."""
    return not element.attrib and not (element.text or "").strip() and len(element) == 0
