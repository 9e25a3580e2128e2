"""A signed-in user's crawl of the site with Django's test client, and the checks it makes.

``crawl(client, language)`` starts at ``/`` and follows, breadth-first, every same-site link
(``<a href>``), every GET form's action (with the form's hidden fields) and, for POST forms,
GETs the action to see that it is not refused. URLs are grouped by their route and the names
(not values) of their query parameters; a few instances of each group are fetched, so the
crawl covers every kind of page without reading every object. Downloads (CSV, JSON, XLSX,
PDF …) are checked by status only.

Every page read is also checked for language: ``language_problems`` finds text of the other
language outside ``lang``-marked content, and internal keys (snake_case, enum members,
Python values and reprs) anywhere in the visible text and the attributes people read.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.urls import Resolver404, resolve

# Never followed: they end the session, switch the language or only post.
SKIP_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/", "/media/")
# Query parameters that page or order a list: the same page for the crawl's purpose.
IGNORED_PARAMETERS = {"page", "sort", "order", "next", "o", "per_page"}
INSTANCES_PER_ROUTE = 2
DOWNLOADS_PER_ROUTE = 1
DOWNLOAD_SUFFIXES = (".csv", ".json", ".xlsx", ".pdf", ".zip", ".xml", ".txt")

# Content read by a person, whose language the page must match.
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
NOT_TEXT = {"script", "style", "code", "pre", "kbd", "samp", "template", "svg"}
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}

# Proper nouns, acronyms and formats that a Japanese page writes in Latin letters.
JAPANESE_PAGE_LATIN = {
    "API",
    "CSV",
    "XLSX",
    "JSON",
    "OSCAL",
    "STIX",
    "TAXII",
    "TLP",
    "PDF",
    "URL",
    "NIST",
    "CSIRT",
    "Shireitō",
    "ISMAP",
    "TOTP",
    "CVE",
    "CVSS",
    "SP",
    "ISO",
    "IEC",
    "JIS",
    "OpenAPI",
    "Excel",
    "UTF",
    "BOM",
    "CLEAR",
    "GREEN",
    "AMBER",
    "STRICT",
    "RED",
    "IPA",
    "NISC",
    "NCSC",
    "GSS",
    "JPCERT",
    "RFC",
    "KPI",  # the plan's word in Japanese too (docs/glossary.md)
}
# Names written in Latin letters in Japanese too (cloud providers, foreign bodies).
PROPER_NOUNS = (
    "Amazon Web Services",
    "Google Cloud",
    "Microsoft Azure",
    "Oracle Cloud Infrastructure",
    "Frictionless Data Package",  # the open-data standard's name
    "Word",
    "PowerPoint",
    "JPEG",
    "PNG",
)
# A run of Latin words separated by spaces (and the punctuation inside an English sentence).
LATIN_RUN = re.compile(
    r"[A-Za-zō][A-Za-z0-9ō'’.,:;/&-]*(?:[ ]+[A-Za-z0-9ō][A-Za-z0-9ō'’.,:;/&-]*)+"
)
CODE = re.compile(r"[-_0-9]|[a-z][A-Z]")
# Latin words in Japanese prose: a token of three or more ASCII letters (with the ō of
# Shireitō).
LATIN_WORD = re.compile(r"[A-Za-zō][A-Za-zō]*")
JAPANESE_CHARACTER = re.compile(
    r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uff61-\uff9f]"
)
INTERNAL_KEYS = [
    ("snake_case key", re.compile(r"(?<![\w./@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w./@-])")),
    ("enum member", re.compile(r"\b[A-Z][A-Za-z]+\.[A-Z][A-Z0-9_]+\b")),
    ("Python value", re.compile(r"(?<![\w-])(?:None|True|False)(?![\w-])")),
    ("Python repr", re.compile(r"object at 0x|<[A-Za-z_.]+: |\{'|\['|\(\)|\bdatetime\.")),
]


@dataclass
class Link:
    url: str
    source: str
    kind: str  # "link", "get-form", "post-form"


@dataclass
class CrawlResult:
    pages: int = 0
    downloads: int = 0
    refused: list[str] = field(default_factory=list)  # "source → url: status"
    errors: list[str] = field(default_factory=list)
    language: list[str] = field(default_factory=list)  # "url: problem"
    seconds: dict[str, float] = field(default_factory=dict)  # per URL read


class _PageParser(HTMLParser):
    """Links, forms and the read text of one HTML page, each text with its language."""

    def __init__(self, language: str, skip_classes: frozenset[str] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_classes = skip_classes
        self.stack: list[tuple[str, str, bool]] = [("#root", language, False)]
        self.links: list[tuple[str, str]] = []  # (url, kind)
        self.texts: list[tuple[str, str]] = []  # (language, text)
        self.form: dict | None = None

    def _current(self) -> tuple[str, bool]:
        _tag, language, hidden = self.stack[-1]
        return language, hidden

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        language, hidden = self._current()
        language = (attributes.get("lang") or language).split("-")[0].lower()
        if tag == "title":
            # A title cannot mark part of itself; the h1 repeats it with its marks.
            language = "(title)"
        hidden = (
            hidden
            or tag in NOT_TEXT
            or bool(self.skip_classes & set(attributes.get("class", "").split()))
        )
        if not hidden:
            for name in READ_ATTRIBUTES:
                if attributes.get(name):
                    self.texts.append((language, attributes[name]))
            button = tag == "input" and attributes.get("type") in {"submit", "button", "reset"}
            if button and attributes.get("value"):
                self.texts.append((language, attributes["value"]))
        if tag == "a" and "href" in attributes and "download" not in attributes:
            self.links.append((attributes["href"], "link"))
        elif tag == "a" and "href" in attributes:
            self.links.append((attributes["href"], "download"))
        elif tag == "form":
            self.form = {
                "action": attributes.get("action", ""),
                "method": attributes.get("method", "get").lower(),
                "hidden": [],
            }
            if self.form["method"] != "get":
                self.links.append((self.form["action"], "post-form"))
        elif tag == "input" and self.form is not None and attributes.get("type") == "hidden":
            self.form["hidden"].append((attributes.get("name", ""), attributes.get("value", "")))
        elif tag in {"button", "input"} and attributes.get("formaction"):
            method = attributes.get("formmethod", (self.form or {}).get("method", "get"))
            self.links.append(
                (attributes["formaction"], "get-form" if method == "get" else "post-form")
            )
        if tag not in VOID:
            self.stack.append((tag, language, hidden))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "form" and self.form is not None:
            if self.form["method"] == "get":
                hidden = [
                    (k, v) for k, v in self.form["hidden"] if k and k != "csrfmiddlewaretoken"
                ]
                action = self.form["action"]
                if hidden:
                    action = f"{action.split('?')[0]}?{urlencode(hidden)}"
                self.links.append((action, "get-form"))
            self.form = None
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        language, hidden = self._current()
        if not hidden and data.strip():
            self.texts.append((language, data))


def parse_page(html: str, language: str, skip_classes: frozenset[str] = frozenset()) -> _PageParser:
    parser = _PageParser(language, skip_classes)
    parser.feed(html)
    parser.close()
    return parser


def language_problems(
    texts: Iterable[tuple[str, str]], language: str, allowed: Iterable[str] = ()
) -> list[str]:
    """What a reader of ``language`` should not meet: the other language outside ``lang``
    content, and internal keys in any text. ``allowed`` are patterns (regular expressions,
    searched) of findings known to be fixed elsewhere.

    On a Japanese page, a Latin word inside a Japanese sentence is a literal (a column name, a
    code, a format) and passes; English is a run of two or more Latin words, or a text that is
    a single Latin word, unless it is a proper noun or acronym of ``JAPANESE_PAGE_LATIN``.
    Codes (words joined by hyphens, digits or underscores) are identifiers, not English.
    """
    known = [re.compile(pattern) for pattern in allowed]
    problems: list[str] = []
    for text_language, raw in texts:
        text = " ".join(raw.split())
        if any(pattern.search(text) for pattern in known):
            continue
        for name, pattern in INTERNAL_KEYS:
            match = pattern.search(text)
            if match:
                problems.append(f"{name} {match.group(0)!r} in {text[:120]!r}")
        if text_language != language:
            continue
        if language == "ja":
            english = _english_in_japanese(text)
            if english:
                problems.append(f"English {english!r} in {text[:120]!r}")
        elif JAPANESE_CHARACTER.search(text):
            problems.append(f"Japanese in {text[:120]!r}")
    return problems


def _english_in_japanese(text: str) -> str | None:
    for phrase in PROPER_NOUNS:
        text = text.replace(phrase, " ")
    for run in LATIN_RUN.findall(text):
        words = [w for w in run.split() if w not in JAPANESE_PAGE_LATIN and not CODE.search(w)]
        letters = [w for w in words if sum(c.isalpha() for c in w) >= 3]
        if len(words) >= 2 and letters:
            return run.strip()
    stripped = text.strip(" ()（）「」:：、。,.-—")
    if (
        LATIN_WORD.fullmatch(stripped)
        and stripped not in JAPANESE_PAGE_LATIN
        and sum(c.isalpha() for c in stripped) >= 3
    ):
        return stripped
    return None


def _route_key(path: str, query: str) -> tuple[str, tuple[str, ...]] | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    names = sorted({name for name, _value in parse_qsl(query) if name not in IGNORED_PARAMETERS})
    return match.route, tuple(names)


def _is_download(response) -> bool:
    content_type = response.get("Content-Type", "")
    return response.streaming or not content_type.startswith("text/html")


def crawl(
    client,
    language: str,
    *,
    start: str = "/",
    allowed: Iterable[str] = (),
    skip_classes: Iterable[str] = (),
    skip_pages: Iterable[str] = (),
) -> CrawlResult:
    """Read the site as the client's user; see the module's docstring. Texts matching an
    ``allowed`` pattern, the content of elements of ``skip_classes`` and the pages whose path
    matches one of ``skip_pages`` (shell patterns: ``/audits/*``) are not checked for
    language."""
    allowed = tuple(allowed)
    skipped = frozenset(skip_classes)
    unchecked = tuple(skip_pages)
    result = CrawlResult()
    seen_urls: set[str] = set()
    per_route: dict[tuple, int] = {}
    queue: deque[Link] = deque([Link(start, "(start)", "link")])
    while queue:
        link = queue.popleft()
        url = _normalise(link.url, link.source)
        if url is None or url in seen_urls:
            continue
        parts = urlsplit(url)
        key = _route_key(parts.path, parts.query)
        if key is not None:
            download = link.kind == "download" or parts.path.endswith(DOWNLOAD_SUFFIXES)
            limit = DOWNLOADS_PER_ROUTE if download or key[1] else INSTANCES_PER_ROUTE
            if per_route.get((link.kind == "post-form", key), 0) >= limit:
                continue
            per_route[(link.kind == "post-form", key)] = (
                per_route.get((link.kind == "post-form", key), 0) + 1
            )
        seen_urls.add(url)
        started = time.perf_counter()
        response = client.get(url)
        result.seconds[url] = time.perf_counter() - started
        status = response.status_code
        if status in (403, 404) or (key is None and status != 302):
            result.refused.append(f"{link.source} → {url} ({link.kind}): {status}")
        elif status >= 500:
            result.errors.append(f"{link.source} → {url} ({link.kind}): {status}")
        if response.streaming:
            # Read to the end: the test client then closes the response as a server would,
            # without closing the database connection (which would end the demo's transaction
            # on PostgreSQL).
            for _chunk in response.streaming_content:
                pass
        if link.kind == "post-form":
            continue  # only the GET's answer matters: a page's action or 405
        if status in (301, 302, 303, 307, 308):
            queue.append(Link(response["Location"], url, link.kind))
            continue
        if status != 200 or _is_download(response):
            result.downloads += 1
            continue
        result.pages += 1
        page = parse_page(response.content.decode(), language, skipped)
        if not any(fnmatch(urlsplit(url).path, pattern) for pattern in unchecked):
            for problem in language_problems(page.texts, language, allowed):
                result.language.append(f"{url}: {problem}")
        for href, kind in page.links:
            queue.append(Link(urljoin(url, href), url, kind))
    return result


def _normalise(url: str, source: str) -> str | None:
    parts = urlsplit(urljoin(source if source.startswith("/") else "/", url))
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
        return None
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
