"""Typesetting a сборник: title page, contents, a section per practice, an index by city.

The same ``Book`` becomes a Word document (python-docx) and a PDF (WeasyPrint, with DejaVu fonts
embedded so Cyrillic renders anywhere).
"""
import io
from dataclasses import dataclass, field
from datetime import date
from html import escape

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from weasyprint import HTML

from shared.text import printable

NETWORK = "Сеть практик"
MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")
FIELDS = (("goal", "Цель"), ("audience", "Для кого"), ("profession", "Профессия"), ("results", "Результаты"))


@dataclass
class Book:
    title: str
    city_names: dict
    sections: list = field(default_factory=list)

    def __post_init__(self):
        # Text stored before the input rules could hold characters a DOCX (XML) cannot: never typeset them.
        self.title, self.city_names = printable(self.title), printable(self.city_names)

    def add(self, practice, resources):
        self.sections.append(printable({**practice, "resources": [
            {"title": r.title, "link": r.url or f"/api/v1/resources/{r.id}/file"} for r in resources]}))

    @property
    def contents(self):
        return [{"id": s["id"], "version": s["version"], "title": s["title"], "municipality": s["municipality"]}
                for s in self.sections]

    def city(self, code):
        return self.city_names.get(code, code)

    def by_city(self):
        index = {}
        for number, section in enumerate(self.sections, 1):
            index.setdefault(self.city(section["municipality"]), []).append((number, section["title"]))
        return dict(sorted(index.items()))


def _today():
    today = date.today()
    return f"{today.day} {MONTHS[today.month - 1]} {today.year} г."


def _details(section):
    lines = [(label, section.get(key)) for key, label in FIELDS if section.get(key)]
    if section.get("authors"):
        lines.append(("Авторы", ", ".join(section["authors"])))
    return lines


def docx(book):
    document = Document()
    document.styles["Normal"].font.name = "DejaVu Sans"
    document.styles["Normal"].font.size = Pt(11)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(book.title).bold = True
    document.add_paragraph(f"{NETWORK} · {_today()} · практик: {len(book.sections)}").alignment = \
        WD_ALIGN_PARAGRAPH.CENTER
    document.add_page_break()
    document.add_heading("Содержание", level=1)
    for number, section in enumerate(book.sections, 1):
        document.add_paragraph(f"{number}. {section['title']} — {book.city(section['municipality'])}")
    for number, section in enumerate(book.sections, 1):
        document.add_page_break()
        document.add_heading(f"{number}. {section['title']}", level=1)
        document.add_paragraph(f"{section.get('organization') or ''}, {book.city(section['municipality'])}".strip(", "))
        if section.get("summary"):
            document.add_paragraph(section["summary"])
        for label, value in _details(section):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(str(value))
        for resource in section["resources"]:
            document.add_paragraph(f"Ресурс: {resource['title']} — {resource['link']}", style="List Bullet")
    document.add_page_break()
    document.add_heading("Указатель по муниципалитетам", level=1)
    for city, items in book.by_city().items():
        document.add_heading(city, level=2)
        for number, item_title in items:
            document.add_paragraph(f"{number}. {item_title}", style="List Bullet")
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


STYLE = """
@page { size: A4; margin: 2cm; @bottom-center { content: counter(page); font-size: 9pt; } }
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.4; }
h1, h2 { font-family: "DejaVu Sans", sans-serif; }
.title-page { page-break-after: always; text-align: center; padding-top: 35%; }
.title-page h1 { font-size: 24pt; }
section, .index { page-break-before: always; }
.toc a { color: black; text-decoration: none; }
.toc a::after { content: leader('.') target-counter(attr(href), page); }
.meta { color: #444; }
"""


def pdf(book):
    sections = "".join(_html_section(number, section, book) for number, section in enumerate(book.sections, 1))
    toc = "".join(f'<li><a href="#s{number}">{number}. {escape(s["title"])}</a></li>'
                  for number, s in enumerate(book.sections, 1))
    index = "".join(f"<h2>{escape(city)}</h2><ul>" + "".join(f"<li>{n}. {escape(t)}</li>" for n, t in items)
                    + "</ul>" for city, items in book.by_city().items())
    html = (f"<html lang='ru'><head><meta charset='utf-8'><style>{STYLE}</style></head><body>"
            f"<div class='title-page'><h1>{escape(book.title)}</h1><p>{NETWORK}</p><p>{_today()}</p></div>"
            f"<h1>Содержание</h1><ul class='toc'>{toc}</ul>{sections}"
            f"<div class='index'><h1>Указатель по муниципалитетам</h1>{index}</div></body></html>")
    return HTML(string=html).write_pdf()


def _html_section(number, section, book):
    details = "".join(f"<p><b>{label}:</b> {escape(str(value))}</p>" for label, value in _details(section))
    resources = "".join(f"<li>{escape(r['title'])} — {escape(r['link'])}</li>" for r in section["resources"])
    organisation = escape(section.get("organization") or "")
    return (f"<section id='s{number}'><h1>{number}. {escape(section['title'])}</h1>"
            f"<p class='meta'>{organisation} {escape(book.city(section['municipality']))}</p>"
            f"<p>{escape(section.get('summary') or '')}</p>{details}"
            + (f"<h2>Ресурсы</h2><ul>{resources}</ul>" if resources else "") + "</section>")
