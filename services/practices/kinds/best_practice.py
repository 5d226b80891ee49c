from marshmallow import Schema, fields, validate

from shared.plugins import EntryKindPlugin, SheetColumn
from shared.schemas import Text


class BestPracticeSchema(Schema):
    goal = Text(multiline=True, load_default="", validate=validate.Length(max=5000),
                      metadata={"description": "Цель практики"})
    audience = Text(load_default="", validate=validate.Length(max=1000),
                    metadata={"description": "Для кого: педагоги, обучающиеся, родители…"})
    results = Text(multiline=True, load_default="", validate=validate.Length(max=10000),
                         metadata={"description": "Достигнутые результаты"})
    authors = fields.List(Text(validate=validate.Length(min=1, max=200)), load_default=list,
                          validate=validate.Length(max=30))


def schema_org(published):
    """A practice's goal and audience in schema.org's words."""
    extra = {}
    if published.get("goal"):
        extra["abstract"] = published["goal"]
    if published.get("audience"):
        extra["audience"] = {"@type": "EducationalAudience", "audienceType": published["audience"]}
    return extra


kind = EntryKindPlugin(
    name="best_practice",
    title="Лучшая практика",
    schema=BestPracticeSchema,
    searchable=("goal", "audience", "results"),
    example={"goal": "Повысить компетенции педагогов в профориентации",
             "audience": "Педагоги дополнительного образования", "results": "",
             "authors": ["Иванова А. А."]},
    sheet_columns={
        "goal": SheetColumn("Цель", hint="Цель практики; необязательно", example="Повысить компетенции педагогов"),
        "audience": SheetColumn("Целевая аудитория", hint="Для кого практика; необязательно",
                                example="Педагоги дополнительного образования"),
        "results": SheetColumn("Результаты", hint="Достигнутые результаты; необязательно"),
        "authors": SheetColumn("Авторы", hint="Авторы через запятую; необязательно",
                               example="Иванова А. А., Петров Б. Б."),
    },
    labels={"audience": "Для кого"},
    schema_org=schema_org,
)
