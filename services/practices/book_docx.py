"""A сборник as a Word document that Word and LibreOffice open the same way.

A4 with Russian margins; ru-RU as the language of every style (spell-check and hyphenation); a title
page, its reverse (compilers, annotation, foreword), a TOC field the program fills on opening
(``w:updateFields``), the practices as articles one after another under city or direction headings,
resources as real hyperlinks, an index of cities with PAGEREF page numbers, and PAGE numbers in the
footer of every page but the title. python-docx has no API for fields, bookmarks or hyperlinks, so
those are written as the few OOXML elements they are.
"""
import io

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

LANGUAGE = "ru-RU"
FONT = "Times New Roman"  # on every Word; LibreOffice substitutes the metric-compatible Liberation Serif
A4 = (Twips(11906), Twips(16838))
MARGINS = {"left_margin": Cm(3), "right_margin": Cm(1.5), "top_margin": Cm(2), "bottom_margin": Cm(2)}
TEXT_WIDTH = Cm(21 - 3 - 1.5)  # where the right-aligned page numbers of the contents and index stand
TOC_CODE = 'TOC \\o "1-3" \\h \\z \\u'
LINK_COLOUR = RGBColor(0x05, 0x63, 0xC1)


def render(book):
    document = Document()
    _page_setup(document.sections[0])
    _russian_styles(document)
    _settings(document)
    _properties(document, book)
    _title_page(document, book)
    _reverse(document, book)
    chapters = book.chapters()
    _contents(document, chapters)
    for number, chapter in enumerate(chapters, 1):
        _bookmark(document.add_heading(level=1), number, _chapter_anchor(number), chapter.heading)
        for article in chapter.articles:
            _article(document, book, article, bookmark_id=len(chapters) + article.number)
    _city_index(document, book)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def _chapter_anchor(number):
    return f"chapter{number}"


def _page_setup(section):
    section.page_width, section.page_height = A4
    for name, value in MARGINS.items():
        setattr(section, name, value)
    section.different_first_page_header_footer = True  # the title page has no number
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", "1")


def _russian_styles(document):
    """ru-RU and one font on the defaults of styles.xml and on Normal; headings black, not theme blue."""
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_language(defaults)
    _set_fonts(defaults)
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(4)
    _set_language(normal.element.get_or_add_rPr())
    _set_fonts(normal.element.get_or_add_rPr())
    for level, size in ((1, 16), (2, 14)):
        heading = document.styles[f"Heading {level}"]
        _set_fonts(heading.element.get_or_add_rPr())
        heading.font.size, heading.font.color.rgb = Pt(size), RGBColor(0, 0, 0)
        heading.paragraph_format.space_before, heading.paragraph_format.space_after = Pt(18), Pt(6)


def _set_language(rpr):
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), LANGUAGE)


def _set_fonts(rpr):
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in list(fonts.attrib):  # theme fonts would win over the named ones
        del fonts.attrib[key]
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _settings(document):
    """Fields (contents, index page numbers) filled on opening; Russian hyphenation; spelling rechecked."""
    settings = document.settings.element
    for stale in settings.findall(qn("w:proofState")):
        settings.remove(stale)
    hyphenation = OxmlElement("w:autoHyphenation")
    settings.find(qn("w:defaultTabStop")).addnext(hyphenation)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.find(qn("w:compat")).addprevious(update)


def _properties(document, book):
    edition, properties = book.edition, document.core_properties
    properties.title = edition.title
    properties.author = properties.last_modified_by = edition.publisher
    properties.language = LANGUAGE
    properties.subject = "Сборник лучших практик " + ("по городам" if book.by_city else "по направлениям")
    properties.keywords = "; ".join(["лучшие практики", "профориентация", *sorted(book.city_index())])
    properties.comments = edition.annotation
    properties.created = properties.modified = edition.built_at.replace(tzinfo=None)
    properties.revision = 1


def _title_page(document, book):
    edition = book.edition
    _centred(document, edition.publisher, size=13, bold=True)
    for _ in range(10):
        document.add_paragraph()
    _centred(document, edition.title, size=26, bold=True)
    _centred(document, "Сборник лучших практик", size=14)
    for _ in range(12):
        document.add_paragraph()
    _centred(document, edition.imprint, size=13)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _reverse(document, book):
    """The title page's reverse: compilers and annotation, then the editor's foreword."""
    edition = book.edition
    if edition.compilers:
        _labelled(document, "Составители", edition.compilers)
    if edition.annotation:
        _labelled(document, "Аннотация", edition.annotation)
    _multiline(document.add_paragraph(), f"{edition.title}: сборник лучших практик / {edition.publisher}. — "
                                         f"{edition.imprint}. Практик в сборнике: {len(book.articles)}. "
                                         f"Собран {edition.date_text}")
    if edition.foreword:
        _plain_heading(document, "От составителей")
        for part in edition.foreword.split("\n\n"):
            _multiline(document.add_paragraph(), part)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _contents(document, chapters):
    """A TOC field over Heading 1–2, its entries already written (with PAGEREF page numbers) for
    programs that show a field's last result; Word renews it on opening (``w:updateFields``)."""
    _plain_heading(document, "Содержание")
    entries = []
    for number, chapter in enumerate(chapters, 1):
        entries.append((1, _chapter_anchor(number), chapter.heading))
        entries.extend((2, a.anchor, f"{a.number}. {a.title}") for a in chapter.articles)
    for position, (level, anchor, value) in enumerate(entries):
        paragraph = document.add_paragraph(style=_toc_style(document, level))
        if position == 0:
            _field_start(paragraph, TOC_CODE)
        link = _internal_link(paragraph, anchor)
        link.append(paragraph.add_run(f"{value}\t")._r)
        for run in _field(paragraph, f"PAGEREF {anchor} \\h", ""):
            link.append(run._r)
        if position == len(entries) - 1:
            _field_end(paragraph)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _toc_style(document, level):
    """«TOC 1», «TOC 2»: Word's own names, so its renewed contents look like ours."""
    name = f"TOC {level}"
    if name not in [style.name for style in document.styles]:
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.paragraph_format.left_indent = Cm(0.75 * (level - 1))
        style.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        style.font.bold = level == 1
    return name


def _article(document, book, article, bookmark_id):
    _bookmark(document.add_heading(level=2), bookmark_id, article.anchor,
              f"{article.number}. {article.title}")
    if article.authors:
        byline = document.add_paragraph()
        byline.add_run("; ".join(article.byline())).italic = True
    meta = [article.kind_title, article.organization, None if book.by_city else article.city]
    document.add_paragraph(", ".join(part for part in meta if part))
    if article.summary:
        _multiline(document.add_paragraph(), article.summary)
    for label, value in article.fields:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        _multiline(paragraph, value)
    if article.resources:
        label = document.add_paragraph()
        label.add_run("Ресурсы:").bold = True
        label.paragraph_format.keep_with_next = True
        for title, url in article.resources:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(f"{title}: ")
            _hyperlink(paragraph, url, url)


def _city_index(document, book):
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading("Указатель городов", level=1)
    for city, articles in book.city_index().items():
        document.add_paragraph().add_run(city).bold = True
        for article in articles:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.75)
            paragraph.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            paragraph.add_run(f"{article.number}. {article.title}\t")
            _field(paragraph, f"PAGEREF {article.anchor} \\h", "")


def _centred(document, value, size, bold=False):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(value)
    run.font.size, run.bold = Pt(size), bold
    return paragraph


def _labelled(document, label, value):
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    _multiline(paragraph, value)


def _plain_heading(document, value):
    """A heading that stays out of the contents (it is not a Heading style)."""
    paragraph = _centred(document, value, size=14, bold=True)
    paragraph.paragraph_format.space_before = Pt(12)


def _multiline(paragraph, value):
    """Text typed on several lines keeps its line breaks."""
    for number, line in enumerate(str(value).split("\n")):
        if number:
            paragraph.add_run().add_break()
        paragraph.add_run(line)


def _field(paragraph, code, shown):
    """A complex field: begin, the instruction, separate, what is shown until it is updated, end.
    Returns its runs (a caller may move them into a link)."""
    return [*_field_start(paragraph, code), paragraph.add_run(shown), _field_end(paragraph)]


def _field_start(paragraph, code):
    begin, instruction, separate = paragraph.add_run(), paragraph.add_run(), paragraph.add_run()
    begin._r.append(_field_character("begin"))
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {code} "
    instruction._r.append(text)
    separate._r.append(_field_character("separate"))
    return [begin, instruction, separate]


def _field_end(paragraph):
    end = paragraph.add_run()
    end._r.append(_field_character("end"))
    return end


def _field_character(kind):
    character = OxmlElement("w:fldChar")
    character.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        character.set(qn("w:dirty"), "true")  # Word recomputes it rather than trusting the shown result
    return character


def _bookmark(paragraph, bookmark_id, name, value):
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), str(bookmark_id))
    paragraph._p.append(start)
    paragraph.add_run(value)
    paragraph._p.append(end)


def _hyperlink(paragraph, url, value):
    """A clickable external link: a w:hyperlink whose r:id names a relationship to ``url``."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run = paragraph.add_run(value)
    run.font.color.rgb, run.font.underline = LINK_COLOUR, True
    link.append(run._r)  # moves the run into the link
    paragraph._p.append(link)


def _internal_link(paragraph, anchor):
    """A link to a bookmark of this document (the contents' entries)."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    paragraph._p.append(link)
    return link

