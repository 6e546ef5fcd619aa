"""Interface text that is not in the page's language: the check every page of tests/l10n passes.

What is checked is the text a reader sees (text nodes, and the `title`, `alt`, `placeholder`, `aria-label`
attributes and button values), in HTML pages and the SVG charts inside them. What is not checked:

* **data**: an element marked `translate="no"` (HTML's own attribute for text that must not be translated:
  people's names, titles typed by users, user names, file names), and everything inside it;
* **text in another declared language**: an element whose `lang` is not the page's (the language switch
  writes "العربية" with lang="ar"; an occupation that has no Arabic label is shown in French with lang="fr");
* computer text (`<code>`, `<kbd>`, `<samp>`: codes, header names, commands);
* the names of Morocco's territories (proper nouns in every language: "El Kelaa des Sraghna");
* a value isolated inside a message (FSI/LRI/RLI … PDI: what a user typed, as `formatting.quoted` writes it
  in Arabic, or a number or date the formatter wrote);
* scripts, styles, the document's head, hidden inputs, and the values of form fields (what a user typed);
* the ARIA attributes inside an image (`role="img"`: a chart is one image with one label, and what is inside
  is not read out) or inside what is hidden from assistive technology (`aria-hidden="true"`).

Everything else is interface text, and must be in the page's language. A leak is:

* on every page: a program identifier (`employed_at_12_months`, `registry.person`);
* on an Arabic page: a Latin word (acronyms, codes, and the few names of ALLOWED_LATIN apart);
* on a French page: a piece of text that is an English message of the catalogues whose French differs
  ("Retry"), a run of three words of such a message, or a word that only English writes (ENGLISH_MARKERS:
  "the", "and", "of"…); Arabic letters;
* on an English page: the same with French messages and words (FRENCH_MARKERS: "le", "des", "et"…); Arabic
  letters.

The messages come from the catalogues themselves (kafaat/locale and each app's locale/), so a string added
with its translations teaches the check, and one left untranslated is caught. The marker words are short
lists of function words that the other language never uses: they catch sentences built outside the
catalogues (an English ISCO label on a French page, "5293 offres" on an English one) without taking a
cognate ("distribution", "promotion") for a leak.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polib
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "ar", "en")
CHECKED_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription")
# Computer text (code, keys, program output) is no language; a textarea holds what a user typed.
SKIPPED_TAGS = frozenset({"script", "style", "template", "head", "textarea", "code", "kbd", "samp"})
BLOCKS = frozenset(
    [
        "p", "div", "li", "ul", "ol", "table", "tr", "td", "th", "thead", "tbody", "caption", "h1", "h2",
        "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "nav", "main", "form", "fieldset",
        "legend", "label", "button", "option", "select", "dt", "dd", "dl", "figure", "figcaption", "br",
        "text", "tspan", "title", "desc", "summary", "details", "aside",
    ]
)  # fmt: skip
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]+>")
WORD = re.compile(r"[^\W\d_]+")
ISOLATED = re.compile("[\u2066\u2067\u2068][^\u2069]*\u2069")
ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LATIN_WORD = re.compile(r"(?<![\w.@/-])[A-Za-zÀ-ÿŒœ][A-Za-zÀ-ÿŒœ'’-]*(?![\w@/])")
# snake_case names and app.model labels: program identifiers, never words of any language.
IDENTIFIER = re.compile(
    r"(?<![\w./-])(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+"
    r"|(?:core|registry|pathways|training|labour|observatory|results|auth)\.[a-z_]+)(?![\w/])"
)
# Latin words that may stand in Arabic text: names of standards, products and formats that Arabic writes in
# Latin letters too. Acronyms (two or more capitals) and codes with digits are allowed without a list.
ALLOWED_LATIN = frozenset({"OpenStreetMap", "Rev"})  # "ISIC Rev.4", the classification's name
# Function words that French never writes (and English ones that French never writes), lower case.
ENGLISH_MARKERS = frozenset(
    [
        "the", "and", "of", "with", "from", "to", "is", "are", "was", "were", "be", "been", "this", "that",
        "these", "those", "which", "who", "whose", "not", "no", "yes", "your", "you", "by", "for", "at", "it",
        "its", "has", "have", "had", "will", "would", "should", "can", "cannot", "could", "may", "must",
        "than", "then", "there", "their", "they", "them", "here", "what", "when", "where", "why", "how",
        "all",
        "any", "each", "every", "other", "same", "new", "only", "also", "into", "onto", "about", "after",
        "before", "between", "within", "without",
    ]
)  # fmt: skip
FRENCH_MARKERS = frozenset(
    [
        "le", "la", "les", "des", "du", "un", "une", "et", "est", "sont", "être", "avec", "pour", "dans",
        "sur", "par", "pas", "ne", "ni", "qui", "que", "quoi", "dont", "où", "ou", "au", "aux", "ce", "cette",
        "ces", "cet", "sa", "ses", "leur", "leurs", "votre", "vos", "nous", "vous", "il", "ils", "elle",
        "elles", "à", "été", "sans", "chez", "entre", "après", "avant", "selon", "lors", "depuis",
    ]
)  # fmt: skip


@dataclass(frozen=True)
class Leak:
    language: str
    kind: str  # identifier | latin | arabic | english | french (message, phrase or word)
    text: str
    context: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.text!r} in {self.context[:160]!r}"


# --- Catalogues ---------------------------------------------------------------------------------------------


def catalogue_files(language: str) -> list[Path]:
    return sorted(ROOT.glob(f"kafaat/**/locale/{language}/LC_MESSAGES/django.po"))


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.casefold() for word in WORD.findall(text))


def _chunks(text: str) -> Iterator[str]:
    """The literal parts of a message between its placeholders and tags."""
    yield from (part for part in PLACEHOLDER.split(text) if part.strip())


@dataclass(frozen=True)
class Vocabulary:
    english_messages: frozenset[tuple[str, ...]]  # English messages whose French differs, as words
    french_messages: frozenset[tuple[str, ...]]  # their French translations
    english_phrases: dict[str, list[tuple[str, ...]]]  # first word → runs of 3+ words of English messages
    french_phrases: dict[str, list[tuple[str, ...]]]
    place_names: dict[str, list[tuple[str, ...]]]  # Morocco's territories in every language, as words


def _phrases(texts: Iterable[str], other_side: set[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for text in texts:
        for chunk in _chunks(text):
            words = _words(chunk)
            if len(words) >= 3 and words not in other_side:
                index.setdefault(words[0], []).append(words)
    return index


def _place_names() -> dict[str, list[tuple[str, ...]]]:
    folder = ROOT / "kafaat" / "core" / "data" / "morocco"
    names: set[str] = set()

    def collect(node, naming: bool = False) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and (naming or key.startswith("name")):
                    names.add(value)
                else:
                    collect(value, key == "name")
        elif isinstance(node, list):
            for item in node:
                collect(item)

    for path in folder.glob("*.json"):
        collect(json.loads(path.read_text(encoding="utf-8")))
    for path in folder.glob("*.csv"):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            names.update(cell for cell in line.split(",") if WORD.search(cell) and len(cell) > 2)
    index: dict[str, list[tuple[str, ...]]] = {}
    for words in sorted({_words(name) for name in names if _words(name)}, key=len, reverse=True):
        index.setdefault(words[0], []).append(
            words
        )  # the longest first: "béni mellal khénifra" before "béni"
    return index


def _without(words: tuple[str, ...], names: dict[str, list[tuple[str, ...]]]) -> tuple[str, ...]:
    """`words` less every run that is a name of `names`."""
    kept, i = [], 0
    while i < len(words):
        name = next((n for n in names.get(words[i], ()) if words[i : i + len(n)] == n), None)
        if name:
            i += len(name)
        else:
            kept.append(words[i])
            i += 1
    return tuple(kept)


@cache
def vocabulary() -> Vocabulary:
    english, french, every_source, every_translation = [], [], [], []
    for path in catalogue_files("fr"):
        for entry in polib.pofile(str(path)):
            sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
            translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            every_source += sources
            every_translation += translations
            for source, translation in zip(sources, translations[: len(sources)], strict=False):
                if translation and _words(translation) != _words(source):
                    english.append(source)
                    french.append(translation)
    # What either language writes is no leak in it ("Date", "Insertion": English and French alike).
    english_side = {_words(c) for text in every_source for c in _chunks(text)}
    french_side = {_words(c) for text in every_translation for c in _chunks(text)}
    return Vocabulary(
        english_messages=frozenset(_words(m) for m in english if not PLACEHOLDER.search(m)) - french_side,
        french_messages=frozenset(_words(m) for m in french if not PLACEHOLDER.search(m)) - english_side,
        english_phrases=_phrases(english, french_side),
        french_phrases=_phrases(french, english_side),
        place_names=_place_names(),
    )


# --- Visible text -------------------------------------------------------------------------------------------


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def visible_text(markup: str | bytes, language: str) -> list[str]:
    """The pieces of interface text of a page or fragment, in document order; data and other languages out.

    Pieces never run across a skipped element: a phrase cut by a person's name is two pieces."""
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8")  # every page and fragment is UTF-8; a fragment declares no charset
    if not markup.strip():
        return []
    root = lxml_html.fromstring(markup)
    pieces: list[str] = []
    current: list[str] = []

    def cut() -> None:
        text = " ".join(" ".join(current).split())
        if text:
            pieces.append(text)
        current.clear()

    def walk(element, unread: bool = False) -> None:
        tag = _local(element.tag)
        skipped = (
            not tag  # a comment or processing instruction
            or tag in SKIPPED_TAGS
            or element.get("translate") == "no"
            or (element.get("lang") and element.get("lang")[:2] != language and tag != "html")
            or (tag == "input" and element.get("type") == "hidden")
        )
        if skipped:
            cut()
        else:
            for name in CHECKED_ATTRIBUTES:
                if element.get(name) and not (unread and name.startswith("aria-")):
                    cut()
                    current.append(element.get(name))
                    cut()
            if (
                tag == "input"
                and element.get("type") in ("submit", "button", "reset")
                and element.get("value")
            ):
                cut()
                current.append(element.get("value"))
                cut()
            if element.text:
                current.append(element.text)
            inside = unread or element.get("role") == "img" or element.get("aria-hidden") == "true"
            for child in element:
                walk(child, inside)
        if tag in BLOCKS:
            cut()
        if element.tail:
            current.append(element.tail)

    walk(root)
    cut()
    return pieces


# --- The check ----------------------------------------------------------------------------------------------


def _phrase_hits(words: tuple[str, ...], phrases: dict[str, list[tuple[str, ...]]]) -> Iterator[str]:
    for i, word in enumerate(words):
        for phrase in phrases.get(word, ()):
            if words[i : i + len(phrase)] == phrase:
                yield " ".join(phrase)


def _is_allowed_latin(word: str) -> bool:
    bare = word.strip("'’-")
    return (
        len(bare) < 2
        or any(ch.isdigit() for ch in bare)
        or bare in ALLOWED_LATIN
        or all(part.isupper() for part in re.split(r"[-'’]", bare) if part)  # ISCO, ISIC, CSV, OFPPT, MA-02
    )


def leaks_in_text(piece: str, language: str, vocab: Vocabulary | None = None) -> list[Leak]:
    """The leaks of one piece of interface text shown on a `language` page."""
    vocab = vocab or vocabulary()
    found = [Leak(language, "identifier", m.group(), piece) for m in IDENTIFIER.finditer(piece)]
    text = ISOLATED.sub(" ", IDENTIFIER.sub(" ", piece))
    if language == "ar":
        found += [
            Leak(language, "latin", m.group(), piece)
            for m in LATIN_WORD.finditer(text)
            if not _is_allowed_latin(m.group())
        ]
        return found
    if match := ARABIC.search(text):
        found.append(Leak(language, "arabic", match.group(), piece))
    words = _words(text)
    capitals = {w.casefold() for w in WORD.findall(text) if len(w) > 1 and w.isupper()}  # "CC BY": an acronym
    if any(w in ENGLISH_MARKERS or w in FRENCH_MARKERS for w in words):
        words = _without(words, vocab.place_names)
    if language == "fr":
        kind, messages, phrases, markers = (
            "english",
            vocab.english_messages,
            vocab.english_phrases,
            ENGLISH_MARKERS,
        )
    else:
        kind, messages, phrases, markers = (
            "french",
            vocab.french_messages,
            vocab.french_phrases,
            FRENCH_MARKERS,
        )
    if words in messages:
        found.append(Leak(language, f"{kind} message", " ".join(words), piece))
    found += [Leak(language, f"{kind} phrase", p, piece) for p in _phrase_hits(words, phrases)]
    found += [Leak(language, f"{kind} word", w, piece) for w in words if w in markers and w not in capitals]
    return found


def find_leaks(markup: str | bytes, language: str) -> list[Leak]:
    """Every leak of the page or fragment `markup` shown in `language`."""
    vocab = vocabulary()
    return [
        leak for piece in visible_text(markup, language) for leak in leaks_in_text(piece, language, vocab)
    ]
