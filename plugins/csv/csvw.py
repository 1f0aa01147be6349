"""CSVW metadata (W3C "Metadata Vocabulary for Tabular Data") describing a written CSV."""

from __future__ import annotations

from typing import Any

from .columns import Column

DATE_OR_DATETIME_FIELDS = frozenset({"issued", "assessed", "valid_until", "period.start",
                                     "period.end"})
"""Canonical fields that hold a date or a timezone-aware date-time (model.DateOrDateTime)."""

DATE_OR_DATETIME: dict[str, Any] = {
    "base": "string",
    "format": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$",
}
"""CSVW has no date-or-dateTime type: such a column is an ISO 8601 string, checked by pattern."""


def _datatype(col: Column) -> Any:
    if col.datatype == "date" and col.field in DATE_OR_DATETIME_FIELDS:
        return DATE_OR_DATETIME
    return col.datatype


def csvw_metadata(header: list[tuple[Column, str | None]], url: str) -> dict[str, Any]:
    """The ``<file>-metadata.json`` document for a CSV with these columns."""
    columns: list[dict[str, Any]] = []
    for col, lang in header:
        name = col.name if lang is None else f"{col.name}.{lang}"
        entry: dict[str, Any] = {
            "name": name.replace(".", "_"),
            "titles": name,
            "datatype": _datatype(col),
            "dc:description": col.description,
        }
        if lang is not None:
            entry["lang"] = lang
        if col.multi:
            entry["separator"] = ";"
        if col.value_url and lang is None:
            entry["valueUrl"] = col.value_url
        if col.property_url:
            entry["propertyUrl"] = col.property_url
        columns.append(entry)
    names = {c.name for c, _ in header}
    schema: dict[str, Any] = {"columns": columns}
    if "credential_id" in names:
        schema["aboutUrl"] = "{+credential_id}"
        schema["primaryKey"] = "credential_id"
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": url,
        "dc:title": "Micro-credentials written by credbridge",
        "dialect": {"delimiter": ",", "doubleQuote": True, "encoding": "utf-8", "header": True,
                    "headerRowCount": 1, "lineTerminators": ["\r\n"], "trim": True},
        "tableSchema": schema,
    }
