"""A сборник as a PDF (WeasyPrint): the structure of the Word document, with page numbers computed.

A4 pages numbered in the footer (none on the title page), a contents page and an index of cities
whose page numbers WeasyPrint fills in (``target-counter``), resources as absolute links with a QR
code each, the DejaVu fonts embedded so Cyrillic renders anywhere.
"""
from html import escape

import segno
from weasyprint import HTML

STYLE = """
@page { size: A4; margin: 2cm 1.5cm 2cm 3cm;
        @bottom-center { content: counter(page); font: 10pt "DejaVu Serif", serif; } }
@page :first { @bottom-center { content: none; } }
html { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.4; hyphens: auto; }
h1, h2, .toc, .index { font-family: "DejaVu Sans", sans-serif; }
h1 { font-size: 16pt; margin: 1.2em 0 .4em; break-after: avoid; }
h2 { font-size: 13pt; margin: 1.2em 0 .3em; break-after: avoid; }
.title-page { break-after: page; text-align: center; height: 25cm; display: flex; flex-direction: column;
              justify-content: space-between; }
.title-page .publisher { font-weight: bold; font-size: 13pt; }
.title-page .book-title { font-family: "DejaVu Sans", sans-serif; font-size: 26pt; font-weight: bold; }
.reverse { break-after: page; }
.reverse .label { font-weight: bold; }
.contents { break-after: page; }
.contents-title { text-align: center; font-family: "DejaVu Sans", sans-serif; font-size: 14pt; font-weight: bold; }
.toc, .index ul { list-style: none; padding: 0; }
.toc li.chapter { font-weight: bold; margin-top: .5em; }
.toc li.article, .index li { margin-left: 1.5em; }
.toc a, .index a { color: black; text-decoration: none; }
.toc a::after, .index a::after { content: leader('.') target-counter(attr(href), page); }
.meta { color: #333; margin: 0 0 .3em; }
.byline { font-style: italic; margin: 0 0 .3em; }
.field { margin: .15em 0; }
.field b { font-weight: bold; }
.resource { display: flex; align-items: center; gap: .5cm; break-inside: avoid; margin: .3em 0; }
.resource img { width: 2.2cm; height: 2.2cm; }
.resource a { color: #0645ad; word-break: break-all; }
.index { break-before: page; }
.multiline { white-space: pre-line; }
.resources-label { break-after: avoid; }
"""


def render(book):
    chapters = book.chapters()
    html = (f"<html lang='ru'><head><meta charset='utf-8'><title>{escape(book.title)}</title>"
            f"<meta name='author' content='{escape(book.edition.publisher)}'><style>{STYLE}</style></head><body>"
            f"{_title_page(book)}{_reverse(book)}{_contents(chapters)}"
            + "".join(_chapter(number, chapter, book) for number, chapter in enumerate(chapters, 1))
            + f"{_index(book)}</body></html>")
    return HTML(string=html).write_pdf()


def _title_page(book):
    edition = book.edition
    return (f"<div class='title-page'><p class='publisher'>{escape(edition.publisher)}</p>"
            f"<div><p class='book-title'>{escape(edition.title)}</p><p>Сборник лучших практик</p></div>"
            f"<p>{escape(edition.imprint)}</p></div>")


def _reverse(book):
    edition = book.edition
    parts = [f"<p><span class='label'>{label}:</span> <span class='multiline'>{escape(value)}</span></p>"
             for label, value in (("Составители", edition.compilers), ("Аннотация", edition.annotation)) if value]
    parts.append(f"<p>{escape(edition.title)}: сборник лучших практик / {escape(edition.publisher)}. — "
                 f"{escape(edition.imprint)}. Практик в сборнике: {len(book.articles)}. "
                 f"Собран {edition.date_text}</p>")
    if edition.foreword:
        parts.append("<p class='contents-title'>От составителей</p>"
                     + "".join(f"<p class='multiline'>{escape(part)}</p>" for part in edition.foreword.split("\n\n")))
    return f"<div class='reverse'>{''.join(parts)}</div>"


def _contents(chapters):
    items = []
    for number, chapter in enumerate(chapters, 1):
        items.append(f"<li class='chapter'><a href='#chapter{number}'>{escape(chapter.heading)}</a></li>")
        items.extend(f"<li class='article'><a href='#{a.anchor}'>{a.number}. {escape(a.title)}</a></li>"
                     for a in chapter.articles)
    return f"<div class='contents'><p class='contents-title'>Содержание</p><ul class='toc'>{''.join(items)}</ul></div>"


def _chapter(number, chapter, book):
    return (f"<h1 id='chapter{number}'>{escape(chapter.heading)}</h1>"
            + "".join(_article(article, book) for article in chapter.articles))


def _article(article, book):
    meta = [article.kind_title, article.organization, None if book.by_city else article.city]
    parts = [f"<h2 id='{article.anchor}'>{article.number}. {escape(article.title)}</h2>"]
    if article.authors:
        parts.append(f"<p class='byline'>{escape('; '.join(article.byline()))}</p>")
    parts.append(f"<p class='meta'>{escape(', '.join(part for part in meta if part))}</p>")
    if article.summary:
        parts.append(f"<p class='multiline'>{escape(article.summary)}</p>")
    parts.extend(f"<p class='field'><b>{escape(label)}:</b> <span class='multiline'>{escape(value)}</span></p>"
                 for label, value in article.fields)
    if article.resources:
        parts.append("<p class='field resources-label'><b>Ресурсы:</b></p>")
        parts.extend(_resource(title, url) for title, url in article.resources)
    return f"<article>{''.join(parts)}</article>"


def _resource(title, url):
    """A resource's absolute link and a QR code of it, for a reader of the printed page."""
    qr = segno.make(url, error="m").svg_data_uri(scale=4, border=1)
    return (f"<div class='resource'><img src='{qr}' alt='QR-код: {escape(url)}'>"
            f"<div>{escape(title)}<br><a href='{escape(url)}'>{escape(url)}</a></div></div>")


def _index(book):
    cities = "".join(f"<h2>{escape(city)}</h2><ul>"
                     + "".join(f"<li><a href='#{a.anchor}'>{a.number}. {escape(a.title)}</a></li>" for a in articles)
                     + "</ul>" for city, articles in book.city_index().items())
    return f"<div class='index'><h1>Указатель городов</h1>{cities}</div>"
