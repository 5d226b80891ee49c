"""The festival season's contract (services/festivals/season.py, jury.py): the call, the jury, the
ranking, one's own entries and the archive of diplomas. The gateway imports these from here."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.festivals.schemas import FestivalEntrySchema
from shared.schemas import Moment, PageQuery, Text

RUBRIC_CODE = validate.Regexp(r"^[a-z0-9][a-z0-9_-]{0,59}$",
                              error="Код рубрики: латинские строчные буквы, цифры, «-» и «_», до 60 знаков")


class NominationRulesSchema(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=300), metadata={"description": "Номинация"})
    kinds = fields.List(Text(validate=validate.Length(min=1, max=40)), load_default=list,
                        metadata={"description": "Виды записей, принимаемые в номинацию (пусто — любые)"})
    rubric = Text(load_default=None, allow_none=True, validate=RUBRIC_CODE,
                  metadata={"description": "Рубрика жюри этой номинации"})


class CallInputSchema(Schema):
    deadline = Moment(required=True, metadata={"description": "Срок приёма заявок (с часовым поясом)"})
    rubric = Text(load_default=None, allow_none=True, validate=RUBRIC_CODE,
                  metadata={"description": "Код рубрики экспертизы, по которой оценивает жюри"})
    nominations = fields.List(fields.Nested(NominationRulesSchema), load_default=list,
                              metadata={"description": "Правила номинаций; не названные принимают любые записи"})


class JuryInputSchema(Schema):
    jurors = fields.List(Text(validate=validate.Length(min=1, max=80)), required=True,
                         validate=validate.Length(min=2, max=50), metadata={"description": "Логины членов жюри"})

    @validates_schema
    def no_repeats(self, data, **_):
        if len(set(data.get("jurors", []))) != len(data.get("jurors", [])):
            raise ValidationError("Члены жюри не должны повторяться.", "jurors")


class MyEntriesQuery(PageQuery):
    pass


class MyEntrySchema(FestivalEntrySchema):
    festival_id = fields.Int()
    festival_title = Text()
    nomination = Text()
    deadline = Text(allow_none=True)
    scores_in = fields.Int(metadata={"description": "Сколько оценок жюри уже поставлено"})


class RankedEntrySchema(Schema):
    entry_id = fields.Int()
    practice_id = fields.Int()
    practice_title = Text()
    municipality = Text()
    status = Text(metadata={"description": "scored — оценки жюри получены; pending — ещё нет"})
    total = fields.Float(allow_none=True, metadata={"description": "Среднее взвешенных итогов жюри, % шкалы"})
    spread = fields.Float(allow_none=True, metadata={"description": "Разброс итогов жюри (наибольший − наименьший)"})
    jurors = fields.Int(metadata={"description": "Сколько оценок учтено"})
    tied = fields.Bool(metadata={"description": "Тот же итог у другой заявки номинации"})
    place = fields.Int(allow_none=True)
    laureate = fields.Bool()


class RankedNominationSchema(Schema):
    nomination = Text()
    rubric = Text(allow_none=True)
    tie_reason = Text()
    entries = fields.List(fields.Nested(RankedEntrySchema))


class RankingSchema(Schema):
    festival_id = fields.Int()
    complete = fields.Bool(metadata={"description": "Оценки всех заявок получены"})
    nominations = fields.List(fields.Nested(RankedNominationSchema))
