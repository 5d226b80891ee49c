"""The expert workbench's contract: rubrics, expert rounds, assignments and reviews."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.schemas import Int, Text

CODE = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,59}$",
                       error="Латинские строчные буквы, цифры, «-» и «_», до 60 знаков")
RECOMMENDATIONS = {"approve": "Одобрить", "revise": "Доработать и подать снова", "reject": "Отклонить"}
ROUND_STATUSES = {"in_review": "Рецензирование", "third_review": "Нужен третий эксперт",
                  "complete": "Рецензии получены", "withdrawn": "Заявка отозвана с фестиваля"}


class CriterionSchema(Schema):
    code = Text(required=True, validate=CODE)
    title = Text(required=True, validate=validate.Length(min=2, max=200))
    min = Int(load_default=0, validate=validate.Range(min=0, max=100))
    max = Int(required=True, validate=validate.Range(min=1, max=100))
    weight = fields.Float(load_default=1.0, validate=validate.Range(min=0.1, max=100))

    @validates_schema
    def scale_is_a_range(self, data, **kwargs):
        if data["max"] <= data.get("min", 0):
            raise ValidationError("Верх шкалы должен быть больше низа", "max")


class RubricInputSchema(Schema):
    title = Text(required=True, validate=validate.Length(min=3, max=300))
    criteria = fields.List(fields.Nested(CriterionSchema), required=True, validate=validate.Length(min=1, max=30))

    @validates_schema
    def codes_are_unique(self, data, **kwargs):
        codes = [criterion["code"] for criterion in data.get("criteria", [])]
        if len(codes) != len(set(codes)):
            raise ValidationError("Коды критериев повторяются", "criteria")


class NewRubricSchema(RubricInputSchema):
    code = Text(required=True, validate=CODE, metadata={"description": "Код рубрики, общий для её версий"})


class RubricSchema(Schema):
    id = fields.Int()
    code = Text()
    version = fields.Int()
    title = Text()
    criteria = fields.List(fields.Dict())
    created_by = Text()
    created_at = fields.AwareDateTime()


class RoundInputSchema(Schema):
    rubric = Text(required=True, validate=CODE,
                  metadata={"description": "Код рубрики (берётся её последняя версия)"})


class ReviewInputSchema(Schema):
    scores = fields.Dict(keys=Text(), values=Int(), required=True,
                         metadata={"description": "Балл по каждому критерию рубрики: {код: балл}"})
    recommendation = Text(load_default=None, validate=validate.OneOf(sorted(RECOMMENDATIONS)), metadata={
        "description": "Обязательна в экспертизе записи реестра; жюри фестиваля ставит только баллы"})
    comment = Text(multiline=True, load_default="", validate=validate.Length(max=10000))
    field_comments = fields.Dict(keys=Text(validate=validate.Length(min=1, max=60)),
                                 values=Text(multiline=True, validate=validate.Length(min=1, max=5000)),
                                 load_default=dict,
                                 metadata={"description": "Замечания «доработать» к полям записи: {поле: замечание}"})


class ReviewSchema(Schema):
    reviewer = Text()
    reviewer_municipality = Text(allow_none=True)
    status = Text()
    assigned_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    scores = fields.Dict()
    total = fields.Float(allow_none=True, metadata={"description": "Взвешенный итог, % от шкалы"})
    recommendation = Text(allow_none=True)
    comment = Text()
    field_comments = fields.Dict()


class AssigneeSchema(Schema):
    reviewer = Text()
    reviewer_municipality = Text(allow_none=True)
    status = Text()


class RoundSchema(Schema):
    id = fields.Int()
    entry_id = fields.Int()
    entry_version = fields.Int()
    entry_title = Text()
    municipality = Text()
    status = Text()
    status_title = Text()
    created_by = Text()
    created_at = fields.AwareDateTime()
    rubric = fields.Nested(RubricSchema)
    assignments = fields.List(fields.Nested(AssigneeSchema))
    my_review = fields.Nested(ReviewSchema, allow_none=True)
    reviews = fields.List(fields.Nested(ReviewSchema))
    reviews_hidden = Text(allow_none=True, metadata={"description": "Почему рецензии других скрыты"})
    festival_id = fields.Int(allow_none=True, metadata={"description": "Фестиваль, если это оценка жюри"})
    festival_entry_id = fields.Int(allow_none=True)
    festival_title = Text(allow_none=True)


class FestivalRoundItemSchema(Schema):
    festival_entry_id = fields.Int(required=True)
    practice_id = fields.Int(required=True)
    rubric = Text(required=True, validate=CODE)


class JurorSchema(Schema):
    username = Text(required=True)
    municipality = Text(required=True, allow_none=True)


class FestivalRoundsInputSchema(Schema):
    """What the festivals service sends to open its jury's rounds."""

    id = fields.Int(required=True)
    title = Text(required=True)
    panel = fields.List(fields.Nested(JurorSchema), required=True)
    entries = fields.List(fields.Nested(FestivalRoundItemSchema), required=True)


class RemarkSchema(Schema):
    """One expert's review as its author's city reads it: without the expert's name."""

    expert = fields.Int(metadata={"description": "Номер эксперта в экспертизе"})
    entry_version = fields.Int()
    total = fields.Float()
    recommendation = Text()
    comment = Text()
    field_comments = fields.Dict()
