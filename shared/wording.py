"""How the network words a value for a reader, where the gateway's pages and the printed сборник agree:
Russian plural forms and decimal commas by CLDR's rules (Babel), classes as a range."""
from babel import Locale
from babel.numbers import format_decimal

RUSSIAN = Locale("ru")


def plural(count, one, few, many, number=True):
    """``24|plural("практика", "практики", "практик")`` → «24 практики»: the form CLDR's Russian rule
    picks; ``number=False`` gives the word alone, for a number set apart in the markup."""
    form = {"one": one, "few": few}.get(RUSSIAN.plural_form(count), many)
    return f"{count} {form}" if number else form


def decimal(value, places=2):
    """``0.5`` → «0,5»: a Russian decimal comma, at most ``places`` digits after it, none when whole."""
    if value is None or value == "":
        return ""
    return format_decimal(value, format="#,##0." + "#" * places, locale=RUSSIAN)


def numbers_text(numbers):
    """Whole numbers with runs as ranges: ``[1, 2, 3, 4, 6]`` → «1–4, 6»."""
    numbers, runs = sorted(set(numbers or [])), []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(f"{low}–{high}" if high > low else str(low) for low, high in runs)


def grades_text(grades):
    """``[8, 9, 10, 11]`` → «8–11 классы»; «9 класс»; «6, 8, 10 классы»."""
    grades = sorted(set(grades or []))
    if not grades:
        return ""
    if len(grades) == 1:
        return f"{grades[0]} класс"
    if grades == list(range(grades[0], grades[-1] + 1)):
        return f"{grades[0]}–{grades[-1]} классы"
    return f"{', '.join(map(str, grades))} классы"
