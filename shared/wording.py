"""How the network words a value for a reader, where the gateway's pages and the printed сборник agree."""


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
