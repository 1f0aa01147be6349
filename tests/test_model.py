"""The canonical model: normal forms and validation errors that name the field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from credbridge.errors import InputError
from credbridge.model import MicroCredential, build

COUNTRY_NAL = "http://publications.europa.eu/resource/authority/country/"
LANGUAGE_NAL = "http://publications.europa.eu/resource/authority/language/"


def error_of(data: dict[str, Any]) -> InputError:
    """The InputError ``build`` raises for ``data`` (record 7)."""
    with pytest.raises(InputError) as caught:
        build(data, record=7)
    return caught.value


# --- countries -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("IE", "IE"), ("ie", "IE"), ("UK", "GB"), ("GBR", "GB"), ("EL", "GR"), ("GRC", "GR"),
        ("DEU", "DE"), (COUNTRY_NAL + "FRA", "FR"), (COUNTRY_NAL + "FRA/", "FR"),
        ("XK", "XK"), ("XKX", "XK"), ("1A0", "XK"), (COUNTRY_NAL + "1A0", "XK"),
        (" pt ", "PT"),
    ],
)
def test_countries_are_normalised_to_alpha2(given: str, code: str) -> None:
    cred = build({"awarding_bodies": [{"country": given}], "learner": {"citizenship": [given]}})
    assert cred.awarding_bodies[0].country == code
    assert cred.learner is not None and cred.learner.citizenship == [code]


def test_kosovo_uri_both_ways() -> None:
    from credbridge.vocab import country_code, country_uri

    assert country_uri("XK") == COUNTRY_NAL + "1A0"
    assert country_code(COUNTRY_NAL + "1A0") == "XK"
    assert country_uri("GR") == COUNTRY_NAL + "GRC" and country_uri("GB") == COUNTRY_NAL + "GBR"


@pytest.mark.parametrize("bad", ["ZZ", "Atlantis", "U K", COUNTRY_NAL + "ZZZ"])
def test_unknown_country_names_the_field(bad: str) -> None:
    exc = error_of({"awarding_bodies": [{"name": "A"}, {"country": bad}]})
    assert exc.field == "awarding_bodies[1].country"
    assert exc.record == 7
    assert "unknown country" in exc.message and repr(bad) in exc.message
    assert str(exc).startswith("record 7, field awarding_bodies[1].country: ")


# --- languages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("en", "en"), ("EN", "en"), ("ENG", "en"), ("eng", "en"), (LANGUAGE_NAL + "FRA", "fr"),
        ("DEU", "de"), ("en-gb", "en-GB"), ("pt_br", "pt-BR"), ("GLE", "ga"), ("und", "und"),
    ],
)
def test_languages_are_normalised(given: str, code: str) -> None:
    cred = build({"languages": [given], "title": {given: "A title"}})
    assert cred.languages == [code]
    assert cred.title == {code: "A title"}


def test_plain_text_becomes_und_and_empty_texts_go() -> None:
    cred = build({"title": "Welding", "description": {"en": "  ", "fr": "Soudure"}})
    assert cred.title == {"und": "Welding"}
    assert cred.description == {"fr": "Soudure"}


def test_unknown_language_names_the_field() -> None:
    exc = error_of({"learning_outcomes": [{"text": "a"}, {"text": {"xq": "b"}}]})
    assert exc.field == "learning_outcomes[1].text"
    assert "unknown language 'xq'" in exc.message
    exc = error_of({"participation": {"languages": ["klingon"]}})
    assert exc.field == "participation.languages[0]"


# --- EQF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "level"),
    [
        (1, 1), (8, 8), ("6", 6), (" 7 ", 7), ("EQF level 6", 6), ("Level 3", 3), ("eqf 2", 2),
        ("http://data.europa.eu/snb/eqf/4", 4), ("EQF Level 5", 5),
    ],
)
def test_eqf_levels_and_spellings(given: Any, level: int) -> None:
    cred = build({"levels": {"eqf": given}})
    assert cred.levels is not None and cred.levels.eqf == level
    assert cred.to_json_dict()["levels"] == {"eqf": level}


@pytest.mark.parametrize("bad", [0, 9, -1, "nine", "Level 9", "6.5", 6.5, True, ""])
def test_eqf_out_of_range_or_not_a_level(bad: Any) -> None:
    exc = error_of({"levels": {"eqf": bad}})
    assert exc.field == "levels.eqf"


@pytest.mark.parametrize(("given", "cycle"), [("first", "first"), ("bachelor", "first"),
                                              ("Second cycle", "second"), ("3", "third")])
def test_qf_ehea_cycles(given: str, cycle: str) -> None:
    cred = build({"levels": {"qf_ehea": given}})
    assert cred.levels is not None and cred.levels.qf_ehea == cycle


def test_isced_level() -> None:
    cred = build({"levels": {"isced_level": "ISCED 2011 level 6"}})
    assert cred.levels is not None and cred.levels.isced_level == 6
    assert error_of({"levels": {"isced_level": "10"}}).field == "levels.isced_level"


# --- credits -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "text"), [("5", "5"), ("2.50", "2.5"), (3, "3"),
                                             ("0.5", "0.5"), ("1e1", "10"), ("60.0", "60")])
def test_ects_is_a_positive_decimal(given: Any, text: str) -> None:
    cred = build({"workload": {"ects": given, "hours": "25"}})
    assert cred.workload is not None
    assert isinstance(cred.workload.ects, Decimal)
    assert cred.workload.ects == Decimal(text)
    assert cred.to_json_dict()["workload"] == {"ects": text, "hours": "25"}


def test_decimal_keeps_precision() -> None:
    cred = build({"workload": {"ects": "0.1"}})
    assert cred.workload is not None and cred.workload.ects == Decimal("0.1")
    assert cred.model_dump_json().count('"0.1"') == 1


@pytest.mark.parametrize(("bad", "message"), [("-2", "0 or more"), ("-0.5", "0 or more"),
                                              ("abc", "decimal"), ("NaN", "")])
def test_ects_must_not_be_negative(bad: Any, message: str) -> None:
    exc = error_of({"workload": {"ects": bad}})
    assert exc.field == "workload.ects"
    assert message in exc.message


@pytest.mark.parametrize("zero", [0, "0", "0.0", "0.00"])
def test_a_workload_of_zero_is_a_value(zero: Any) -> None:
    """ECTS 0, hours 0, a credit of 0 (EBSI ``creditPoint: "0"``) are real values, not errors."""
    cred = build({"workload": {"ects": zero, "hours": zero,
                               "credits": [{"system": "ecvet", "value": zero}]}})
    assert cred.workload is not None
    assert (cred.workload.ects, cred.workload.hours) == (Decimal(0), Decimal(0))
    assert cred.workload.credits[0].value == Decimal(0)
    assert cred.to_json_dict()["workload"] == {
        "ects": "0", "hours": "0", "credits": [{"system": "ecvet", "value": "0"}]}


def test_credit_systems_by_code_and_uri() -> None:
    cred = build({"workload": {"credits": [
        {"system": "http://data.europa.eu/snb/education-credit/6fcec5c5af", "value": "3"},
        {"system": "ECVET", "value": "2"}]}})
    assert cred.workload is not None
    assert [(c.system, c.value) for c in cred.workload.credits] == [
        ("ects", Decimal(3)), ("ecvet", Decimal(2))]
    assert error_of({"workload": {"credits": [{"system": "ects", "value": "-1"}]}}).field == \
        "workload.credits[0].value"


# --- ISCED-F -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "code"), [
    ("0613", "0613"), ("06", "06"), ("061", "061"), ("0000", "0000"), ("9999", "9999"),
    ("http://data.europa.eu/snb/isced-f/0542", "0542"), ("0731", "0731")])
def test_known_isced_f_codes(given: str, code: str) -> None:
    assert build({"fields_of_study": [given]}).fields_of_study == [code]


@pytest.mark.parametrize("bad", ["0615", "6", "12345", "computing", "0613 ", "http://x/0613"])
def test_unknown_isced_f_codes(bad: str) -> None:
    if bad == "0613 ":  # surrounding spaces are trimmed, not an error
        assert build({"fields_of_study": [bad]}).fields_of_study == ["0613"]
        return
    exc = error_of({"fields_of_study": ["0613", bad]})
    assert exc.field == "fields_of_study[1]"


# --- dates ---------------------------------------------------------------------------------------


def test_dates_and_timezone_aware_datetimes() -> None:
    cred = build({"issued": "2025-06-30T10:00:00Z", "assessed": "2025-06-20",
                  "valid_until": "2028-06-30T00:00:00+02:00",
                  "learner": {"birth_date": "2001-03-17"}})
    assert cred.issued == dt.datetime(2025, 6, 30, 10, tzinfo=dt.UTC)
    assert cred.assessed == dt.date(2025, 6, 20)
    assert isinstance(cred.valid_until, dt.datetime)
    assert cred.valid_until.utcoffset() == dt.timedelta(hours=2)
    assert cred.to_json_dict()["issued"] == "2025-06-30T10:00:00Z"
    assert cred.learner is not None and cred.learner.birth_date == dt.date(2001, 3, 17)


def test_birth_date_drops_a_time() -> None:
    cred = build({"learner": {"birth_date": "2001-03-17T00:00:00Z"}})
    assert cred.learner is not None and cred.learner.birth_date == dt.date(2001, 3, 17)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("issued", "2025-06-30T10:00:00", "needs a time zone"),
    ("issued", "30/06/2025", "not an ISO 8601 date"),
    ("valid_until", "2025-02-30", "not an ISO 8601 date"),
    ("assessed", "yesterday", "not an ISO 8601 date"),
])
def test_bad_dates_name_the_field(field: str, value: str, message: str) -> None:
    exc = error_of({field: value})
    assert exc.field == field and message in exc.message


def test_naive_datetime_object_is_refused() -> None:
    exc = error_of({"issued": dt.datetime(2025, 1, 1, 12, 0)})
    assert exc.field == "issued" and "time zone" in exc.message


# --- codes -------------------------------------------------------------------------------------


def test_eu_uris_become_codes() -> None:
    cred = build({
        "credential_type": "http://data.europa.eu/snb/credential/e34929035b",
        "participation": {"modes": ["http://data.europa.eu/snb/learning-assessment/920fbb3cbe",
                                    "Presential", "work based"],
                          "setting": "http://data.europa.eu/snb/learning-setting/6fd4685715"},
        "assessment": {"types": ["http://data.europa.eu/snb/assessment/4f03b91c0e", "quiz"],
                       "supervision":
                           "http://data.europa.eu/snb/supervision-verification/70be69aaf9"},
    })
    assert cred.credential_type == "generic"
    assert cred.participation is not None
    assert cred.participation.modes == ["online", "onsite", "work-based"]
    assert cred.participation.setting == "formal"
    assert cred.assessment is not None
    assert cred.assessment.types == ["portfolio", "quiz"]
    assert cred.assessment.supervision == "supervised-with-id"


def test_unknown_code_names_the_field_and_lists_the_known_ones() -> None:
    exc = error_of({"assessment": {"types": ["quiz", "interpretive-dance"]}})
    assert exc.field == "assessment.types[1]"
    assert "interpretive-dance" in exc.message and "written-exam" in exc.message
    assert error_of({"participation": {"setting": "somewhere"}}).field == "participation.setting"


def test_unknown_keys_are_errors() -> None:
    exc = error_of({"titel": "typo"})
    assert exc.field == "titel"
    exc = error_of({"awarding_bodies": [{"nmae": "typo"}]})
    assert exc.field == "awarding_bodies[0].nmae"


def test_several_problems_are_all_mentioned() -> None:
    exc = error_of({"levels": {"eqf": 12}, "workload": {"ects": -1}, "issued": "never"})
    assert exc.field == "issued"  # the first in model order; the others follow
    assert "and 2 more" in exc.message
    assert "workload.ects" in exc.message and "levels.eqf" in exc.message


def test_extension_keys_need_a_format_prefix() -> None:
    ok = build({"extensions": {"ob3:alignment": [{"targetName": "x"}]}})
    assert ok.extensions == {"ob3:alignment": [{"targetName": "x"}]}
    assert error_of({"extensions": {"alignment": 1}}).field == "extensions"


def test_to_json_dict_prunes_and_keeps_false_and_zero() -> None:
    cred = build({"title": "T", "stackability": {"standalone": False},
                  "levels": {"isced_level": 0}, "learning_outcomes": []})
    assert cred.to_json_dict() == {"title": {"und": "T"}, "stackability": {"standalone": False},
                                   "levels": {"isced_level": 0}}


def test_assignment_is_validated() -> None:
    cred = MicroCredential()
    with pytest.raises(ValueError, match="unknown country"):
        cred.provider = {"country": "ZZ"}  # type: ignore[assignment]


def test_grading_scheme_pass_alias() -> None:
    cred = build({"assessment": {"grade": {"value": "7", "scheme": {"min": "1", "max": "10",
                                                                     "pass": "5.5"}}}})
    assert cred.assessment is not None and cred.assessment.grade is not None
    assert cred.assessment.grade.scheme is not None
    assert cred.assessment.grade.scheme.pass_ == "5.5"
    assert cred.to_json_dict()["assessment"]["grade"]["scheme"]["pass"] == "5.5"
