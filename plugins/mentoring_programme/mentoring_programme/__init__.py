"""«Программа наставничества»: a mentoring programme as an entry of the registry.

An example of an entry kind brought by an outside package: everything people read about its fields
(the form's labels, the titles of closed values, the Excel column titles and hints) comes from here,
through the plugin API alone (shared/plugins.py). ``format`` and ``grades`` are the search's own
dimensions, so programmes are found by the «Формат» facet and the «Класс» filter like trials.
"""
from marshmallow import Schema, ValidationError, fields, validate, validates

from shared.plugins import EntryKindPlugin, SheetColumn, number_list

# The forms of mentoring of the целевая модель наставничества.
FORMS = {
    "teacher_teacher": "Педагог — педагог",
    "teacher_student": "Педагог — ученик",
    "student_student": "Ученик — ученик",
    "employer_student": "Работодатель — ученик",
}
FORMATS = {"in_person": "Очно", "remote": "Дистанционно", "at_workplace": "На рабочем месте наставника"}


class MentoringProgrammeSchema(Schema):
    mentoring_form = fields.String(required=True, validate=validate.OneOf(FORMS))
    format = fields.String(required=True, validate=validate.OneOf(FORMATS))
    grades = fields.List(fields.Integer(validate=validate.Range(min=1, max=11)), load_default=list,
                         metadata={"description": "Классы наставляемых, 1–11 (для форм с учениками)"})
    duration_months = fields.Integer(load_default=None, validate=validate.Range(min=1, max=36))

    @validates("grades")
    def grades_not_repeated(self, grades, **_):
        if len(set(grades)) != len(grades):
            raise ValidationError("Классы не должны повторяться.")


kind = EntryKindPlugin(
    name="mentoring_programme",
    title="Программа наставничества",
    schema=MentoringProgrammeSchema,
    example={"mentoring_form": "student_student", "format": "in_person", "grades": [5, 6, 7], "duration_months": 9},
    sheet_columns={
        "mentoring_form": SheetColumn("Форма наставничества", choices=FORMS,
                                      hint="Кто кого наставляет; обязательно для программы наставничества"),
        "format": SheetColumn("Формат", choices=FORMATS, hint="Как проходят встречи; обязательно"),
        "grades": SheetColumn("Классы", parse=number_list, example="5-7",
                              hint="Классы наставляемых: диапазон «5-7» или список «5, 6, 7»; необязательно"),
        "duration_months": SheetColumn("Длительность, мес.", example="9",
                                       hint="Сколько месяцев длится программа, от 1 до 36; необязательно"),
    },
    labels={"grades": "Классы наставляемых", "duration_months": "Длительность программы"},
    units={"duration_months": "мес."},
)
