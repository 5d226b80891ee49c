from marshmallow import Schema, ValidationError, fields, validate, validates

from shared.plugins import EntryKindPlugin
from shared.schemas import Int, Text

FORMATS = {"in_person": "Очно", "remote": "Дистанционно", "mixed": "Смешанный"}
PROFMINIMUM_LEVELS = {"basic": "Базовый", "main": "Основной", "advanced": "Продвинутый"}
GRADES = range(6, 12)


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


kind = EntryKindPlugin(
    name="career_trial",
    title="Профессиональная проба",
    schema=CareerTrialSchema,
    searchable=("profession",),
    has_sessions=True,
    example={"profession": "Оператор лазерного станка", "grades": [8, 9], "duration_hours": 4,
             "format": "in_person", "profminimum_level": "main"},
    choice_titles={"format": FORMATS, "profminimum_level": PROFMINIMUM_LEVELS},
    units={"duration_hours": "ч"},
)
