"""The one text type, integers, dates: what every schema accepts and refuses (docs/input-rules.md)."""
import datetime as dt

import pytest
from marshmallow import Schema, validate

from services.catalog.contract import NewAccountSchema
from services.practices.contract import BookingInputSchema, SessionInputSchema, content_schema
from shared.errors import ValidationFailed
from shared.schemas import Day, Int, Moment, StoredText, Text, form_number, load
from shared.text import printable


class Sample(Schema):
    title = Text(required=True, validate=validate.Length(min=3))
    summary = Text(multiline=True, load_default="")
    city = Text(load_default="")


def refusal(schema, data):
    with pytest.raises(ValidationFailed) as refused:
        load(schema, data)
    assert refused.value.status == 422
    return refused.value.fields


@pytest.mark.parametrize("bad", ["\x00", "\x01", "\x0b", "\x1f", "\x7f", "\x85", "\x9f"])
def test_control_characters_are_refused_naming_the_field(bad):
    errors = refusal(Sample(), {"title": f"Проф{bad}проба"})
    assert list(errors) == ["title"]
    assert "управляющий символ" in errors["title"][0]


@pytest.mark.parametrize("bad", ["\ud800", "\udfff", "a\udc00b"])
def test_an_unpaired_surrogate_is_refused(bad):
    assert "суррогатный" in refusal(Sample(), {"title": f"Проба {bad}"})["title"][0]


@pytest.mark.parametrize("bad", ["\ufffe", "\uffff", "\ufdd0", "\U0001fffe", "\U0010ffff"])
def test_noncharacters_are_refused(bad):
    assert "Недопустимый символ" in refusal(Sample(), {"title": f"Проба {bad}"})["title"][0]


def test_line_breaks_and_tabs_only_in_multi_line_fields():
    assert "Перевод строки" in refusal(Sample(), {"title": "Две\nстроки"})["title"][0]
    assert "Перевод строки" in refusal(Sample(), {"title": "Табу\tляция"})["title"][0]
    loaded = load(Sample(), {"title": "Проба", "summary": "Первая\r\nвторая\tс табуляцией\rтретья"})
    assert loaded["summary"] == "Первая\nвторая\tс табуляцией\nтретья"


def test_text_is_trimmed_and_a_blank_required_field_is_refused():
    assert load(Sample(), {"title": "  Проба  ", "city": "   "}) == {"title": "Проба", "summary": "", "city": ""}
    assert refusal(Sample(), {"title": " \u00a0 "})["title"] == ["Обязательное поле."]


def test_ordinary_russian_text_with_emoji_and_typography_passes():
    title = "Профпроба «Токарь» — 3D‑печать 👍 №5"
    assert load(Sample(), {"title": title})["title"] == title


def test_the_entry_schema_refuses_a_control_character_in_any_text_field():
    schema = content_schema("best_practice")()
    errors = refusal(schema, {"title": "Практика", "goal": "Цель\x01", "tags": ["тег\x02"]})
    assert set(errors) == {"goal", "tags"}


@pytest.mark.parametrize("name", ["admin", "methodist-kyshtym", "ivan.petrov_2"])
def test_usernames_of_latin_letters_digits_dot_dash_underscore_pass(name):
    data = {"username": name, "password": "long-enough", "role": "admin"}
    assert load(NewAccountSchema(), data)["username"] == name


@pytest.mark.parametrize("name", ["../etc", "a/b", "nul\x00", "иван", "with space", ".hidden", "-dash"])
def test_other_usernames_are_refused(name):
    errors = refusal(NewAccountSchema(), {"username": name, "password": "long-enough", "role": "admin"})
    assert list(errors) == ["username"]


def test_passwords_are_kept_as_typed():
    data = {"username": "ivan", "password": "  spaces  ", "role": "admin"}
    assert load(NewAccountSchema(), data)["password"] == "  spaces  "


@pytest.mark.parametrize("count", [4.5, "4", True, None])
def test_counts_must_be_integers(count):
    errors = refusal(BookingInputSchema(), {"pupils": count, "grade": 9})
    assert list(errors) == ["pupils"]


def test_a_whole_float_is_not_a_count_either():
    # JSON 4.0 is a float to the parser: the contract says integer.
    assert "pupils" in refusal(BookingInputSchema(), {"pupils": 4.0, "grade": 9})


def test_form_numbers_are_parsed_from_digits_only():
    assert form_number(" 4 ") == 4
    assert form_number("4.5") == "4.5"
    assert form_number("٤") == "٤"  # a digit of another script is not silently a number
    assert form_number("") == ""


def session(starts, ends=None):
    ends = ends or starts + dt.timedelta(hours=2)
    return {"starts_at": starts.isoformat(), "ends_at": ends.isoformat(), "capacity": 10}


def test_a_session_in_the_past_is_refused():
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    assert "прошло" in refusal(SessionInputSchema(), session(past))["starts_at"][0]


def test_a_session_must_end_after_it_starts():
    starts = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    assert "ends_at" in refusal(SessionInputSchema(), session(starts, starts - dt.timedelta(hours=1)))


@pytest.mark.parametrize("value", ["1999-12-31T10:00:00+05:00", "2101-01-01T10:00:00+05:00",
                                   "9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_far_moments_are_refused(value):
    class Probe(Schema):
        at = Moment(required=True)

    assert list(refusal(Probe(), {"at": value})) == ["at"]


@pytest.mark.parametrize("value", ["1899-01-01", "2101-01-01", "9999-12-31"])
def test_far_days_are_refused(value):
    class Probe(Schema):
        on = Day(required=True)

    assert "между 2000 и 2100" in refusal(Probe(), {"on": value})["on"][0]


def test_int_refuses_strings_but_a_form_variant_is_not_needed_for_json():
    class Probe(Schema):
        n = Int(required=True)

    assert load(Probe(), {"n": 7}) == {"n": 7}
    assert list(refusal(Probe(), {"n": "7"})) == ["n"]


def test_stored_text_drops_what_no_output_may_carry_instead_of_refusing():
    class Event(Schema):
        title = StoredText(required=True)

    assert load(Event(), {"title": "Про\x01ба\ud800 \ufffe\nвторая "}) == {"title": "Проба \nвторая "}


def test_printable_keeps_text_valid_for_xml_and_leaves_other_values():
    assert printable("a\x00b\x0bc\x1fd\x7fe\x85f\ud800g\ufffeh\U0001ffffi\tj\nk\rl") == "abcdefghi\tj\nk\rl"
    assert printable(None) is None and printable(5) == 5
