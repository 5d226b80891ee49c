"""Festival forms turned into the festivals service's input: times typed in the festival city's zone,
nominations one a line, results from the ranking's selects."""
import pytest
from werkzeug.datastructures import MultiDict

from services.gateway.web.festival_forms import call_input, festival_input, programme_input, results_input
from shared.errors import ValidationFailed

FESTIVAL = {"timezone": "Asia/Yekaterinburg", "nominations": [{"id": 7, "title": "Техсалон"},
                                                               {"id": 8, "title": "ПрофСтарт"}]}


def test_nominations_are_typed_one_a_line_and_empty_fields_take_the_schemas_defaults():
    data = festival_input({"title": "Форум «РОСТ»", "starts_on": "2027-04-10", "ends_on": "2027-04-11",
                           "place": " ", "nominations": "Техсалон\r\n\r\n ПрофСтарт \n"})
    assert data == {"title": "Форум «РОСТ»", "starts_on": "2027-04-10", "ends_on": "2027-04-11",
                    "nominations": [{"title": "Техсалон"}, {"title": "ПрофСтарт"}]}


def test_programme_and_deadline_times_are_read_in_the_festival_citys_zone():
    item = programme_input({"title": "Открытие", "day": "2027-04-10", "starts_at": "10:00", "ends_at": "11:30"},
                           FESTIVAL["timezone"])
    assert item["starts_at"] == "2027-04-10T10:00:00+05:00" and item["ends_at"] == "2027-04-10T11:30:00+05:00"
    form = MultiDict([("deadline_day", "2027-03-01"), ("deadline_time", "18:00"), ("rubric", "rost"),
                      ("kinds-7", "best_practice"), ("rubric-8", "iq")])
    call = call_input(form, FESTIVAL)
    assert call["deadline"] == "2027-03-01T18:00:00+05:00" and call["rubric"] == "rost"
    assert call["nominations"] == [{"title": "Техсалон", "kinds": ["best_practice"], "rubric": None},
                                   {"title": "ПрофСтарт", "kinds": [], "rubric": "iq"}]


def test_a_programme_item_without_its_day_is_refused_naming_the_field():
    with pytest.raises(ValidationFailed) as refused:
        programme_input({"title": "Открытие", "starts_at": "10:00", "ends_at": "11:00"}, "Asia/Yekaterinburg")
    assert set(refused.value.fields) == {"day"}


def test_results_come_from_each_entrys_select_and_the_nominations_reason():
    ranking = {"nominations": [{"nomination": "Техсалон", "entries": [{"practice_id": 1}, {"practice_id": 2},
                                                                      {"practice_id": 3}]},
                               {"nomination": "ПрофСтарт", "entries": []}]}
    form = {"place-n0-1": "1", "place-n0-2": "laureate", "place-n0-3": "", "tie_reason-n0": "Внедрена в школах"}
    assert results_input(form, ranking) == {"results": [{
        "nomination": "Техсалон", "places": [{"practice_id": 1, "place": 1}], "laureates": [2],
        "tie_reason": "Внедрена в школах"}]}
