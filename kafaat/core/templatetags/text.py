"""Text that is data, not interface: what users typed or imported, shown as it was written.

    {% load text %}
    {{ person.display_name|data }} → <bdi translate="no">Naima Harrak</bdi>
    {{ occupation|labelled }} → its label in the reader's language, or the one it has, declared

`<bdi>` isolates its direction (a Latin name inside an Arabic sentence, an Arabic name inside a French one,
"08 · نعيمة الحراق 2000/12/Naima Harrak" is the garbling it prevents), and HTML's `translate="no"` says the
text is not to be translated: browsers' translators leave it alone, and the language check of every page
(tests/l10n) does not ask it to be in the page's language. Interface text and reference names that Kafaat
translates (territories, sectors, occupations, organisations' names) are never marked.
"""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html

from kafaat.core.l10n.formatting import is_rtl, language_of
from kafaat.core.l10n.names import name_in

register = template.Library()


@register.filter(is_safe=True)
def data(value) -> str:
    """`value` as data: isolated from the text around it and never translated; nothing when empty."""
    if value is None or value == "":
        return ""
    return format_html('<bdi translate="no">{}</bdi>', value)


@register.filter(is_safe=True)
def labelled(obj, prefix: str = "label") -> str:
    """`obj`'s label in the reader's language; when it has none, the fallback that exists, declared in its own
    language (`<span lang="fr" dir="ltr">`) so that readers, screen readers and the language check know."""
    if obj is None or obj == "":
        return ""
    active = language_of()
    text, language = name_in(obj, active, prefix)
    if language == active:
        return conditional_escape(text)
    direction = "rtl" if is_rtl(language) else "ltr"
    return format_html('<span lang="{}" dir="{}">{}</span>', language, direction, text)


@register.filter(is_safe=True)
def lang_of(obj, prefix: str = "label") -> str:
    """` lang="fr" dir="ltr"` when `obj`'s label falls back to another language, else nothing: for an element
    that cannot hold a `<span>` (an `<option>`): `<option{{ programme|lang_of:"title" }}>`."""
    active = language_of()
    _text, language = name_in(obj, active, prefix)
    if language == active:
        return ""
    return format_html(' lang="{}" dir="{}"', language, "rtl" if is_rtl(language) else "ltr")
