"""What a browser would send for a page's form as loaded: every field with its shown value.

Tests of editing "as two people who opened the page" take the form from the page itself, so
they send exactly what the page offered (hidden fields, selected options, checked boxes)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {name: (value or "") for name, value in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = {}
            self.forms.append(self._form)
            return
        if self._form is None or (tag not in ("input", "select", "option", "textarea")):
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                self._form.setdefault(name, [])
                return
            self._form.setdefault(name, []).append(
                a.get("value", "on" if kind == "checkbox" else "")
            )
        elif tag == "select" and name:
            self._select = name
            self._form.setdefault(name, [])
        elif tag == "option" and self._select is not None and "selected" in a:
            self._form[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            # A browser drops the newline that follows <textarea>.
            text = "".join(self._text)
            self._form.setdefault(self._textarea, []).append(text.removeprefix("\n"))
            self._textarea = None
        elif tag == "form":
            self._form = None


def loaded_form(html: str, containing: str | None = None) -> dict[str, list[str]]:
    """The page's post form (the last, since the header's sign-out form comes first; or the
    one with a field named ``containing``), as ``{name: [values]}`` for Django's test client."""
    parser = _FormParser()
    parser.feed(html)
    forms = [f for f in parser.forms if containing is None or containing in f]
    return {name: values for name, values in forms[-1].items() if name != "csrfmiddlewaretoken"}
