"""Namespaces, fixed URIs and the element-name helpers of Europass EDC XML (ELM v2, XSD 1.x)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from credbridge.notes import labelled_lines, parse_labelled

FORMAT = "edc-xml"
"""The format's name (report messages, extension keys ``edc-xml:…``)."""

SNB = "http://data.europa.eu/snb"
"""The default namespace of ``europassCredential``."""
CRED = "http://data.europa.eu/europass/model/credentials/w3c#"
VP = "http://data.europa.eu/snb/vp"
DS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NAMESPACES = ("http://uri.etsi.org/01903/v1.3.2#", "http://uri.etsi.org/01903/v1.4.1#")
XSI = "http://www.w3.org/2001/XMLSchema-instance"

NSMAP = {None: SNB, "cred": CRED, "xsi": XSI}
SCHEMA_LOCATION = (
    f"{SNB} http://publications.europa.eu/resource/schema/credential/genericschema_1.2.xsd"
)
XSD_VERSION = "0.10.0"

# Frameworks (the @targetFrameworkUrl of coded elements)
CREDENTIAL_TYPE_FW = "http://data.europa.eu/snb/credential/25831c2"
EQF_FW = "http://data.europa.eu/snb/eqf/25831c2"
NQF_FW = "http://data.europa.eu/snb/qdr/25831c2"
ISCED_F_FW = "http://data.europa.eu/snb/isced-f/25831c2"
COUNTRY_FW = "http://publications.europa.eu/resource/authority/country"
LANGUAGE_FW = "http://publications.europa.eu/resource/authority/language"
MODE_FW = "http://data.europa.eu/snb/learning-assessment/25831c2"
SETTING_FW = "http://data.europa.eu/snb/learning-setting/25831c2"
SUPERVISION_FW = "http://data.europa.eu/snb/supervision-verification/25831c2"
ASSESSMENT_FW = "http://data.europa.eu/snb/assessment/25831c2"
SKILL_TYPE_FW = "http://data.europa.eu/snb/skill-type/25831c2"
ESCO_FW = "http://data.europa.eu/esco/model#Skill"
ISCED_LEVEL_FW = "http://data.europa.eu/snb/isced-level/25831c2"
"""Not an official EU framework (none is known): used for ``hasEducationLevel``."""
ISCED_LEVEL_BASE = "http://data.europa.eu/snb/isced-level/"
SKILL_TYPE_BASE = "http://data.europa.eu/snb/skill-type/"

ECTS_SCHEME = "http://data.europa.eu/europass/educationalCreditPointSystem/ects"
ECVET_SCHEME = "http://data.europa.eu/europass/educationalCreditPointSystem/ecvet"

TOPIC = "http://data.europa.eu/snb/qualification-topics#"
TOPIC_QA = TOPIC + "accreditation-and-quality-assurance"
QA_NOTE_LABELS = {"type": "Type", "body": "Body", "decision": "Decision",
                  "register_entry": "Register entry", "valid_until": "Valid until"}
"""The labelled lines after the text of a quality-assurance note (QA written without an
``accreditation``), read back into those fields (``body``: the QA body's name)."""
TOPIC_PATHWAYS = TOPIC + "pathways"
TOPIC_ASSESSMENT = TOPIC + "assessment"

# credbridge's own additionalNote subjects for canonical fields EDC XML has no element for
NOTE_QF_EHEA = "credbridge:qf_ehea"
NOTE_SQF = "credbridge:sqf"
NOTE_ISCED_LEVEL = "credbridge:isced_level"
NOTE_INFORMAL = "credbridge:informal-learning"
NOTE_STANDALONE = "credbridge:standalone"

XML_LANGUAGES = frozenset([
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "is", "it",
    "lt", "lv", "mk", "mt", "nl", "no", "pl", "pt", "ro", "sk", "sl", "sr", "sv", "tr",
])
"""The 29 two-letter codes XSD 1.2 allows in ``@lang`` and ``availableLanguages``."""


def q(name: str, ns: str = SNB) -> str:
    """Clark notation ``{ns}name`` of an element in the EDC namespace (or ``ns``)."""
    return f"{{{ns}}}{name}"


def local(element: Any) -> str:
    """The local name of an element (``""`` for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return _local_name(tag)


@lru_cache(maxsize=1024)
def _local_name(tag: str) -> str:
    """The local part of a Clark name (memoised: a document repeats few tags)."""
    return tag.rsplit("}", 1)[-1]


def clean_uri(value: str | None) -> str | None:
    """A URI with the stray whitespace real EDC files carry removed (``…/6fd4685715 ``)."""
    if value is None:
        return None
    cleaned = "".join(value.split())
    return cleaned or None


def qa_note_lines(values: dict[str, str]) -> str:
    """The labelled lines of a quality-assurance note (``\nDecision: …``), in a fixed order."""
    return labelled_lines(values, QA_NOTE_LABELS)


def parse_qa_note(text: str) -> tuple[str, dict[str, str]]:
    """The text of a quality-assurance note and the fields of its trailing labelled lines."""
    note, fields = parse_labelled(text, QA_NOTE_LABELS)
    return note.strip(), fields
