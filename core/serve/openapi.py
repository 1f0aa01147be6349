"""The OpenAPI 3.1 document of the service, generated from the registered formats.

The format names (``to``, ``from``) and the format options (query or form fields) come from
the plugins loaded in this process, third-party formats included: each option a format
declares in its typed ``Options`` model is a parameter with the model's JSON Schema and
description, as each is a generated flag of ``credbridge convert``.
"""

from __future__ import annotations

import copy
from typing import Any

from .. import __version__
from ..plugin_manager import get_formats
from ..report import Code, Severity
from .params import MATERIAL, OWN
from .problems import KINDS, MEDIA_TYPE
from .settings import Settings

REF = "#/components/schemas/"


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """``schema`` with its local ``$ref``s replaced by what they name (parameters stand
    alone in the document)."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs.get(ref.rsplit("/", 1)[-1], {}), defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k != "title"}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def option_parameters() -> list[dict[str, Any]]:
    """One query parameter per option name the registered formats declare, with the formats
    that take it (a name several formats declare goes to each format of the call)."""
    found: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for fmt in get_formats():
        model = fmt.Options.model_json_schema()
        defs = model.get("$defs", {})
        for name, prop in model.get("properties", {}).items():
            schema = _inline(copy.deepcopy(prop), defs)
            description = schema.pop("description", "") or ""
            found.setdefault(name, []).append((fmt.name, description, schema))
    params = []
    for name, owners in found.items():
        texts = {d for _f, d, _s in owners}
        formats = ", ".join(f for f, _d, _s in owners)
        if len(texts) == 1:
            text = f"{owners[0][1]} Option of {formats}"
        else:
            text = "; ".join(f"{f}: {d}" for f, d, _s in owners)
        schemas = []
        for _f, _d, schema in owners:
            if schema not in schemas:
                schemas.append(schema)
        params.append({"name": name, "in": "query", "required": False,
                       "description": f"{text} (also FORMAT.{name}=VALUE for one format).",
                       "schema": schemas[0] if len(schemas) == 1 else {"anyOf": schemas}})
    return params


def _own(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": name == "to", "description": OWN[name],
            "schema": schema}


def _problems(*statuses: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status in statuses:
        kinds = [k for k in KINDS.values() if k.status == status]
        out[str(status)] = {
            "description": "; ".join(f"{k.name}: {k.title}" for k in kinds) or "problem",
            "content": {MEDIA_TYPE: {"schema": {"$ref": REF + "Problem"}}},
        }
    return out


DOCUMENT_BODY: dict[str, Any] = {
    "required": True,
    "description": "The document (any media type; the format is told by the from "
                   "parameter, else the file name, else the content), or a multipart upload "
                   "whose file fields are the documents and whose other fields are parameters.",
    "content": {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        "multipart/form-data": {"schema": {
            "type": "object",
            "properties": {"file": {"type": "array",
                                    "items": {"type": "string", "format": "binary"}}},
            "additionalProperties": {"type": "string"},
        }},
    },
}

def _body(*material: str, description: str | None = None) -> dict[str, Any]:
    """The request body of an endpoint whose multipart upload may carry ``material`` (trust
    files) beside the documents."""
    body = copy.deepcopy(DOCUMENT_BODY)
    if description:
        body["description"] = description
    schema = body["content"]["multipart/form-data"]["schema"]
    for name in material:
        schema["properties"][name] = {
            "description": MATERIAL[name],
            **({"type": "string", "format": "binary"} if name == "payload" else
               {"type": "array", "items": {"type": "string", "format": "binary"}})}
    return body


VERIFY_BODY = _body("trust", "status_list", "payload", description=(
    "The document (any media type; named by the filename parameter, else -), or a multipart "
    "upload whose file fields are the documents, with the trust material as the fields "
    "trust (repeatable), status_list (repeatable) and payload. Nothing is fetched: keys "
    "come from did:key, the document's own certificates and the trust fields."))

SUMMARY_HEADERS = {
    "Credbridge-Exit-Code": {"description": "The exit code of the same call on the command "
                                            "line: 0, or 1 when some record failed.",
                             "schema": {"type": "integer", "enum": [0, 1]}},
    "Credbridge-Records": {"description": "read=N, written=N, failed=N",
                           "schema": {"type": "string"}},
    "Credbridge-Counts": {"description": "Messages per code, e.g. dropped=3, approximated=1",
                          "schema": {"type": "string"}},
    "Credbridge-Source-Format": {"schema": {"type": "string"}},
    "Credbridge-Target-Format": {"schema": {"type": "string"}},
}


def _components() -> dict[str, Any]:
    message = {
        "type": "object",
        "description": "One message of the report (the CLI's --report JSON).",
        "required": ["code", "severity", "detail"],
        "properties": {
            "code": {"type": "string", "enum": [str(c) for c in Code]},
            "severity": {"type": "string", "enum": [str(s) for s in Severity]},
            "field": {"type": "string", "description": "The canonical field path."},
            "format": {"type": "string"},
            "record": {"type": ["string", "integer"]},
            "detail": {"type": "string"},
            "file": {"type": "string"},
        },
    }
    report = {
        "type": "object",
        "description": "The report of a conversion, as credbridge convert --report writes it.",
        "properties": {
            "source_format": {"type": ["string", "null"]},
            "target_format": {"type": "string"},
            "records": {"type": "object", "properties": {
                "read": {"type": "integer"}, "written": {"type": "integer"},
                "failed": {"type": "integer"}}},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            "messages": {"type": "array", "items": {"$ref": REF + "Message"}},
            "omitted": {"type": "array", "items": {"type": "object"},
                        "description": "Counts of messages past the report's limit."},
        },
    }
    problem = {
        "type": "object",
        "description": "RFC 9457 problem details, with the fields of the CLI's report.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "format": "uri-reference",
                     "enum": [f"/problems/{k}" for k in KINDS]},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string", "description": "One sentence, as the CLI's error."},
            "instance": {"type": "string"},
            "exit_code": {"type": "integer", "description": "The CLI's exit code for the call."},
            "file": {"type": "string"},
            "record": {"type": ["string", "integer"]},
            "field": {"type": "string"},
            "format": {"type": "string"},
            "candidates": {"type": "array", "items": {"type": "string"}},
            "messages": {"type": "array", "items": {"$ref": REF + "Message"}},
            "report": {"$ref": REF + "Report"},
        },
    }
    element = {"type": "object", "properties": {
        "number": {"type": ["integer", "null"]}, "element": {"type": "string"},
        "kind": {"type": "string"}, "present": {"type": "boolean"},
        "status": {"type": "string", "enum": ["present", "missing", "warning"]},
        "paths": {"type": "string"}}}
    outcome = {"type": "object", "required": ["status", "suite"], "properties": {
        "status": {"type": "string",
                   "enum": ["verified", "invalid", "unverifiable", "unsupported"]},
        "suite": {"type": "string"}, "detail": {"type": "string"},
        "signer": {"type": "string"}, "key_id": {"type": "string"},
        "signed_at": {"type": "string"}, "anchor": {"type": "string"},
        "where": {"type": "string"}}}
    return {
        "Message": message, "Report": report, "Problem": problem,
        "CheckResult": {"type": "object", "description": "credbridge check --json, one entry",
                        "properties": {"file": {"type": ["string", "null"]},
                                       "record": {"type": "integer"},
                                       "id": {"type": ["string", "null"]},
                                       "complete": {"type": "boolean"},
                                       "elements": {"type": "array", "items": element}}},
        "Validation": {"type": "object", "properties": {
            "file": {"type": ["string", "null"]}, "format": {"type": "string"},
            "valid": {"type": "boolean"},
            "problems": {"type": "array", "items": {"type": "string"}}}},
        "Detection": {"type": "object", "properties": {
            "file": {"type": ["string", "null"]}, "format": {"type": "string"},
            "title": {"type": "string"}}},
        "Coverage": {"type": "object", "properties": {
            "file": {"type": ["string", "null"]}, "source_format": {"type": "string"},
            "targets": {"type": "array", "items": {"type": "string"}},
            "truncated": {"type": "boolean"},
            "credentials": {"type": "array", "items": {"type": "object", "properties": {
                "record": {"type": ["string", "integer"]},
                "fields": {"type": "array", "items": {"type": "string"}},
                "targets": {"type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": {
                        "type": "string",
                        "enum": ["exact", "lossy", "extension", "dropped"]}}}}}}}},
        "Format": {"type": "object", "description": "credbridge formats --json, one entry"},
        "Verification": {"type": "object", "description": "credbridge verify --json: file "
                         "name -> outcomes", "additionalProperties": {
                             "type": "object", "required": ["verified", "proofs"],
                             "properties": {
                                 "verified": {"type": "boolean"},
                                 "error": {"type": "string"},
                                 "proofs": {"type": "array", "items": outcome},
                                 "status": {"type": "array", "items": {"type": "object"}}}}},
    }


def openapi_document(settings: Settings) -> dict[str, Any]:
    """The whole document for this process's formats and limits."""
    registry = get_formats()
    readable = [f.name for f in registry if f.can_read]
    writable = [f.name for f in registry if f.can_write]
    read_params = [_own("from", {"type": "string", "enum": readable}),
                   _own("filename", {"type": "string"})]
    convert_params = [
        _own("to", {"type": "string", "enum": writable}), *read_params,
        _own("report", {"type": "string", "enum": ["header", "multipart", "only"],
                        "default": "header"}),
        _own("strict", {"type": "boolean", "default": False}),
        _own("fail_on", {"type": "string", "description": ", ".join(str(c) for c in Code)}),
        _own("fail_if_warnings", {"type": "boolean", "default": False}),
        _own("zip", {"type": "boolean", "default": False}),
        _own("verify", {"type": "boolean", "default": False}),
        *option_parameters(),
    ]
    errors = _problems(400, 413, 415, 422, 503)

    def post(summary: str, description: str, params: list[dict[str, Any]],
             ok: dict[str, Any], op: str, body: dict[str, Any] = DOCUMENT_BODY
             ) -> dict[str, Any]:
        return {"post": {"operationId": op, "summary": summary, "description": description,
                         "parameters": params, "requestBody": body,
                         "responses": {"200": ok, **errors}}}

    def json_ok(ref: str, description: str, array: bool = False) -> dict[str, Any]:
        schema: dict[str, Any] = {"$ref": REF + ref}
        return {"description": description, "content": {"application/json": {
            "schema": {"type": "array", "items": schema} if array else schema}}}

    output = {
        "description": "The output (report=header: its media type, the report in brief in "
                       "the headers), a multipart/form-data answer with the parts output and "
                       "report (report=multipart), or the report alone (report=only). "
                       "Several credentials are JSON Lines, or a zip of one file per "
                       "credential for one-document formats.",
        "headers": SUMMARY_HEADERS,
        "content": {"*/*": {"schema": {"type": "string", "format": "binary"}},
                    "multipart/form-data": {"schema": {"type": "object", "properties": {
                        "output": {"type": "string", "format": "binary"},
                        "report": {"$ref": REF + "Report"}}}},
                    "application/json": {"schema": {"$ref": REF + "Report"}}},
    }
    paths: dict[str, Any] = {
        "/convert": post(
            "Convert a document (or several, or a CSV / JSON Lines stream)",
            "The output in format `to` and the report. A CSV or JSON Lines body is converted "
            "as it arrives (with report=multipart the answer streams too). Options: "
            "`NAME=VALUE` for every format of the call that declares NAME, or "
            "`FORMAT.NAME=VALUE` for one. With verify=true the proofs of each input are "
            "checked offline and reported (proof-verified, proof-invalid, proof-unchecked).",
            convert_params, output, "convert", _body("trust", "status_list")),
        "/show": post("The canonical record of a document (credbridge show)",
                      "The canonical JSON, with the report as in /convert (verify=true: "
                      "the proofs checked and reported, as show --verify).",
                      [*read_params, convert_params[3],
                       _own("verify", {"type": "boolean", "default": False})],
                      output, "show", _body("trust")),
        "/check": post("Annex I checklist (credbridge check --json)",
                       "Each credential's Annex I elements, present or missing; "
                       "Credbridge-Exit-Code is 1 when a mandatory one is missing.",
                       read_params, json_ok("CheckResult", "The checklist", array=True),
                       "check"),
        "/validate": post("Validate against the official schema (credbridge validate --json)",
                          "Offline, against the schemas folder the service was given.",
                          read_params, json_ok("Validation", "The outcome"), "validate"),
        "/detect": post("The format of a document (credbridge detect)",
                        "By the file name's extension, else by content.",
                        [_own("filename", {"type": "string"})],
                        json_ok("Detection", "The format"), "detect"),
        "/coverage": post("How every format carries the document's fields",
                          "For each credential: its fields, and per writable format exact, "
                          "lossy, extension or dropped (what the report of a conversion "
                          "would say before the writer's own messages).", read_params,
                          json_ok("Coverage", "The coverage"), "coverage"),
        "/verify": post("Check every proof offline (credbridge verify --json)",
                        "Per document (by its file name): verified (every proof verified, "
                        "no status entry set) and each proof's outcome — verified, invalid, "
                        "unverifiable (the key is not given) or unsupported — with the "
                        "signer, key, signing time and trust anchor. Credbridge-Exit-Code is "
                        "the CLI's: 0 all verified, 1 otherwise, 2 when a document of "
                        "several cannot be read (its entry has error); one that cannot be "
                        "read alone is an input-error problem.",
                        [_own("filename", {"type": "string"})],
                        json_ok("Verification", "The outcomes by document"), "verify",
                        VERIFY_BODY),
        "/formats": {"get": {"operationId": "formats", "summary": "credbridge formats --json",
                             "responses": {"200": {"description": "The formats",
                                                   "content": {"application/json": {
                                                       "schema": {"type": "array", "items": {
                                                           "$ref": REF + "Format"}}}}}}}},
        "/health": {"get": {"operationId": "health", "summary": "Alive, version and limits",
                            "responses": {"200": {"description": "ok", "content": {
                                "application/json": {"schema": {"type": "object"}}}}}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "credbridge", "version": __version__,
                 "description": "Convert micro-credentials between Europass EDC, ELM, Open "
                                "Badges, Diploma Supplement / ELMO and CSV, and report "
                                "everything a conversion cannot carry. Limits of this "
                                f"service: {settings.max_body_bytes:,} bytes per document, "
                                f"{settings.max_stream_bytes:,} bytes per stream, "
                                f"{settings.timeout_s:g} s per request.",
                 "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}},
        "paths": paths,
        "components": {"schemas": _components()},
    }
