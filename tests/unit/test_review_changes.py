"""What the reviewer's page compares and how it shows values: the field diff and the labels."""
from services.gateway.web.display import shown_value
from services.practices.changes import diff_content


def test_only_the_changed_fields_are_listed_in_the_current_order():
    before = {"title": "Проба", "profession": "Сварщик", "grades": [8, 9], "duration_hours": 3.0}
    after = {"title": "Проба", "grades": [8, 9, 10], "profession": "Электрогазосварщик", "duration_hours": 3.0}
    assert diff_content(before, after) == [
        {"field": "grades", "before": [8, 9], "after": [8, 9, 10]},
        {"field": "profession", "before": "Сварщик", "after": "Электрогазосварщик"},
    ]


def test_a_field_present_on_one_side_only_counts_as_changed():
    assert diff_content({"title": "А", "tags": ["x"]}, {"title": "А", "goal": "Цель"}) == [
        {"field": "goal", "before": None, "after": "Цель"},
        {"field": "tags", "before": ["x"], "after": None},
    ]


def test_equal_contents_have_no_changes():
    assert diff_content({"a": 1, "b": [1]}, {"b": [1], "a": 1}) == []


def test_closed_values_are_shown_by_their_russian_titles_from_the_kind():
    assert shown_value("career_trial", "format", "in_person") == "Очно"
    assert shown_value("career_trial", "profminimum_level", "main") == "Основной"
    assert shown_value("career_trial", "license", "cc-by-4.0") == "CC BY 4.0"
    assert shown_value("career_trial", "duration_hours", 3.0) == "3 ч"
    assert shown_value("career_trial", "duration_hours", 0.5) == "0,5 ч"
    assert shown_value("career_trial", "grades", [9, 8]) == "8–9 классы"
    assert shown_value("best_practice", "authors", ["Иванова А. А.", "Петров Б. Б."]) == "Иванова А. А., Петров Б. Б."
    assert shown_value("best_practice", "goal", None) == ""
