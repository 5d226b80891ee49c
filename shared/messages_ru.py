"""Russian validation messages: people read these errors, so marshmallow's defaults are translated.

Imported once by shared/schemas.py; it updates marshmallow's class-level message tables in place, so
every schema of every service answers in Russian without passing messages field by field.
"""
from marshmallow import Schema, fields, validate

FIELD_MESSAGES = {
    fields.Field: {"required": "Обязательное поле.", "null": "Поле не может быть пустым.",
                   "validator_failed": "Недопустимое значение."},
    fields.String: {"invalid": "Ожидалась строка.", "invalid_utf8": "Строка не в кодировке UTF-8."},
    fields.Number: {"invalid": "Ожидалось число.", "too_large": "Слишком большое число."},
    fields.Integer: {"invalid": "Ожидалось целое число."},
    fields.Float: {"special": "Бесконечность и NaN не допускаются."},
    fields.Decimal: {"special": "Бесконечность и NaN не допускаются."},
    fields.Boolean: {"invalid": "Ожидалось логическое значение (true/false)."},
    fields.List: {"invalid": "Ожидался список."},
    fields.Tuple: {"invalid": "Ожидался список."},
    fields.Mapping: {"invalid": "Ожидался объект."},
    fields.Nested: {"type": "Ожидался объект."},
    fields.UUID: {"invalid_uuid": "Некорректный UUID."},
    fields.Url: {"invalid": "Некорректная ссылка (URL)."},
    fields.Email: {"invalid": "Некорректный адрес электронной почты."},
    fields.DateTime: {"invalid": "Некорректная дата и время (ожидался ISO 8601).",
                      "invalid_awareness": "Укажите дату и время с часовым поясом (ISO 8601).",
                      "format": "Не удалось представить «{input}» как дату и время."},
    fields.Date: {"invalid": "Некорректная дата (ожидалось ГГГГ-ММ-ДД).",
                  "format": "Не удалось представить «{input}» как дату."},
    fields.Enum: {"unknown": "Допустимые значения: {choices}."},
}

VALIDATOR_MESSAGES = {
    validate.Range: {"message_min": "Должно быть {min_op} {{min}}.", "message_max": "Должно быть {max_op} {{max}}.",
                     "message_all": "Должно быть {min_op} {{min}} и {max_op} {{max}}.",
                     "message_gte": "не меньше", "message_gt": "больше",
                     "message_lte": "не больше", "message_lt": "меньше"},
    validate.Length: {"message_min": "Не короче {min} символов (элементов).",
                      "message_max": "Не длиннее {max} символов (элементов).",
                      "message_all": "Длина должна быть от {min} до {max}.",
                      "message_equal": "Длина должна быть ровно {equal}."},
    validate.OneOf: {"default_message": "Допустимые значения: {choices}."},
    validate.ContainsOnly: {"default_message": "Допустимые значения: {choices}."},
    validate.URL: {"default_message": "Некорректная ссылка (URL)."},
    validate.Email: {"default_message": "Некорректный адрес электронной почты."},
    validate.Regexp: {"default_message": "Значение не соответствует формату."},
    validate.Equal: {"default_message": "Должно быть равно {other}."},
    validate.Predicate: {"default_message": "Недопустимое значение."},
    validate.NoneOf: {"default_message": "Недопустимое значение."},
}

SCHEMA_MESSAGES = {"type": "Ожидался JSON-объект.", "unknown": "Неизвестное поле."}


def install():
    for field_class, messages in FIELD_MESSAGES.items():
        # Update the class's own table (not an inherited one) so subclasses keep their wording.
        field_class.default_error_messages = {**field_class.__dict__.get("default_error_messages", {}),
                                              **messages}
    for validator_class, messages in VALIDATOR_MESSAGES.items():
        for attribute, text in messages.items():
            setattr(validator_class, attribute, text)
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}


install()
