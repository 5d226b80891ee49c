from marshmallow import Schema, ValidationError, fields, validate, validates

from shared.plugins import EntryKindPlugin, SheetColumn, decimal, iso_duration, number_list
from shared.schemas import Int, Text
from shared.wording import grades_text

FORMATS = {"in_person": "Очно", "remote": "Дистанционно", "mixed": "Смешанный"}
PROFMINIMUM_LEVELS = {"basic": "Базовый", "main": "Основной", "advanced": "Продвинутый"}


class CareerTrialSchema(Schema):
    profession = Text(required=True, validate=validate.Length(min=2, max=200))
    grades = fields.List(Int(validate=validate.Range(min=6, max=11)), required=True,
                         metadata={"description": "Классы, 6–11"})
    duration_hours = fields.Float(required=True, validate=validate.Range(min=0.5, max=144))
    format = Text(required=True, validate=validate.OneOf(FORMATS))
    profminimum_level = Text(required=True, validate=validate.OneOf(PROFMINIMUM_LEVELS),
                             metadata={"description": "Уровень профминимума"})

    @validates("grades")
    def grades_not_empty_nor_repeated(self, grades, **_):
        if not grades:
            raise ValidationError("Укажите хотя бы один класс (6–11).")
        if len(set(grades)) != len(grades):
            raise ValidationError("Классы не должны повторяться.")


def schema_org(published):
    """A trial's profession, classes and length in schema.org's words."""
    extra = {}
    if published.get("profession"):
        extra["about"] = {"@type": "Occupation", "name": published["profession"]}
    if published.get("grades"):
        grades = sorted(published["grades"])
        extra["audience"] = {"@type": "EducationalAudience", "educationalRole": "student",
                             "audienceType": f"Обучающиеся {grades[0]}–{grades[-1]} классов"
                             if len(grades) > 1 else f"Обучающиеся {grades[0]} класса"}
    if published.get("duration_hours"):
        extra["timeRequired"] = iso_duration(published["duration_hours"])
    return extra


kind = EntryKindPlugin(
    name="career_trial",
    title="Профессиональная проба",
    schema=CareerTrialSchema,
    searchable=("profession",),
    has_sessions=True,
    example={"profession": "Оператор лазерного станка", "grades": [8, 9], "duration_hours": 4,
             "format": "in_person", "profminimum_level": "main"},
    sheet_columns={
        "profession": SheetColumn("Профессия", hint="Профессия, с которой знакомит проба; обязательно для пробы",
                                  example="Оператор лазерного станка"),
        "grades": SheetColumn("Классы", parse=number_list, example="8-9",
                              hint="Классы от 6 до 11: диапазон «8-9» или список «8, 9, 10»; обязательно для пробы"),
        "duration_hours": SheetColumn("Длительность, ч", parse=decimal, example="1,5",
                                      hint="Часы, от 0,5 до 144, можно с запятой; обязательно для пробы"),
        "format": SheetColumn("Формат", choices=FORMATS, hint="Как проходит проба; обязательно для пробы"),
        "profminimum_level": SheetColumn("Уровень профминимума", choices=PROFMINIMUM_LEVELS,
                                         hint="Уровень профминимума пробы; обязательно для пробы"),
    },
    labels={"duration_hours": "Продолжительность", "format": "Формат проведения"},
    units={"duration_hours": "ч"},
    shown_as={"grades": grades_text},
    schema_org=schema_org,
)
