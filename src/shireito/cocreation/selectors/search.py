"""Search across the platform: thread titles, published posts, official answers' wording and
attachments' names, in Japanese and English, as the reader may see them.

The index (``search_index``) is matched inside one query together with the scoping and the
filters: the reader's threads (spaces they read; a draft thread only its author's), a post
that is a draft or hidden only for its author, an official answer only once in force (or
superseded). Terms are ANDed; a term of three characters or more uses the trigram index
(FTS5 ``MATCH`` on SQLite, ``ILIKE`` over the ``pg_trgm`` GIN index on PostgreSQL); a shorter
one (two kanji are a word in Japanese) is matched with ``LIKE``, which reads the index's rows
without it, so the results then come newest first. Ranked by BM25 on SQLite and by
``ts_rank`` on PostgreSQL, official answers and titles weighing more; paged without counting
every match (a million posts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from shireito.cocreation.choices import OfficialStatus, ThreadKind
from shireito.cocreation.models import OfficialAnswer, PostAttachment, Thread
from shireito.cocreation.search_index import ANSWER, ATTACHMENT, POST, ROW_KINDS, TABLE, THREAD
from shireito.cocreation.selectors.threads import threads_for

MAX_TERMS = 8
# Relevance is ranked among the newest 2,000 matches the reader may see (100 pages): a word
# in a third of a million posts is then ranked in milliseconds, not seconds.
WINDOW = 2_000
TRIGRAM = 3
SNIPPET_BEFORE = 40
SNIPPET_LENGTH = 160
# How much more a match counts in an official answer, a title, than in a post or file name.
BOOST = {ANSWER: 2.0, THREAD: 1.5, POST: 1.0, ATTACHMENT: 1.0}


@dataclass
class SearchFilters:
    space_id: int | None = None
    kind: str = ""
    organization_id: int | None = None
    answered: bool | None = None
    official_only: bool = False


@dataclass
class SearchHit:
    kind: str  # thread, post, answer, attachment (ROW_KINDS)
    object_id: int
    post_id: int | None
    thread: Thread
    snippet: SafeString
    answer: OfficialAnswer | None = None
    attachment: PostAttachment | None = None


@dataclass
class SearchPage:
    hits: list[SearchHit] = field(default_factory=list)
    has_next: bool = False
    page: int = 1
    per_page: int = 20

    @property
    def first_number(self) -> int:
        return (self.page - 1) * self.per_page + 1


def terms_of(query: str) -> list[str]:
    """The query's words (spaces, ideographic ones too, separate them), at most eight."""
    seen: list[str] = []
    for term in query.split():
        if term and term.casefold() not in (t.casefold() for t in seen):
            seen.append(term[:100])
    return seen[:MAX_TERMS]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _threads(user, filters: SearchFilters):
    threads = threads_for(user)
    if filters.space_id is not None:
        threads = threads.filter(space_id=filters.space_id)
    if filters.kind:
        threads = threads.filter(kind=filters.kind)
    if filters.answered is not None:
        official = OfficialAnswer.objects.filter(
            thread=OuterRef("pk"), status=OfficialStatus.OFFICIAL
        )
        answered = Q(is_answered=True) | Q(Exists(official))
        threads = (
            threads.filter(answered)
            if filters.answered
            else threads.filter(kind=ThreadKind.QUESTION).exclude(answered)
        )
    # Correlated with the index's row: one primary-key look-up per candidate, not a list of
    # every visible thread built for each search.
    return threads.filter(pk=RawSQL(f"{TABLE}.thread_id", ())).values("pk")  # noqa: S611


def search(
    user, query: str, filters: SearchFilters | None = None, *, page: int = 1, per_page: int = 20
) -> SearchPage:
    filters = filters or SearchFilters()
    terms = terms_of(query)
    page = max(1, min(page, WINDOW // per_page))
    if not terms or not (user and user.is_authenticated):
        return SearchPage(page=page, per_page=per_page)
    sqlite = connection.vendor == "sqlite"
    where: list[str] = []
    params: list[Any] = []
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    short_terms = [t for t in terms if len(t) < TRIGRAM]
    if sqlite:
        if long_terms:
            where.append(f"{TABLE} MATCH %s")
            params.append(" AND ".join(_fts_phrase(t) for t in long_terms))
        for term in short_terms:
            where.append(f"{TABLE}.body LIKE %s ESCAPE '\\'")
            params.append(_like(term))
    else:
        for term in terms:
            where.append(f"{TABLE}.body ILIKE %s")
            params.append(_like(term))
    thread_sql, thread_params = _threads(user, filters).query.sql_with_params()
    where.append(f"EXISTS ({thread_sql})")
    params.extend(thread_params)
    if filters.space_id is not None:
        where.append(f"{TABLE}.space_id = %s")
        params.append(filters.space_id)
    if filters.organization_id is not None:
        where.append(f"{TABLE}.organization_id = %s")
        params.append(filters.organization_id)
    if filters.official_only:
        where.append(f"{TABLE}.kind = %s")
        params.append(ANSWER)
    # A draft's file or a hidden post is its author's alone.
    where.append(
        f"NOT EXISTS (SELECT 1 FROM cocreation_post p WHERE p.id = {TABLE}.post_id"  # noqa: S608 - fixed names
        " AND (p.is_draft OR p.hidden_at IS NOT NULL) AND p.author_id != %s)"
    )
    params.append(user.pk)
    where.append(
        f"({TABLE}.kind != %s OR EXISTS (SELECT 1 FROM cocreation_officialanswer a"  # noqa: S608
        f" WHERE a.id = {TABLE}.object_id AND a.status IN (%s, %s)))"
    )
    params.extend([ANSWER, OfficialStatus.OFFICIAL, OfficialStatus.SUPERSEDED])
    boost = f"CASE c.kind {' '.join(f'WHEN {k} THEN {w}' for k, w in BOOST.items())} ELSE 1.0 END"
    # The newest WINDOW matches the reader may see (the index's rows in id order, newest first:
    # a common word stops the scan early), then ranked by relevance among them.
    if sqlite:
        score = f"bm25({TABLE})" if long_terms else "-1.0"
        inner = (
            f"SELECT rowid AS row_id, kind, object_id, post_id, thread_id, body, {score} AS score"
        )
        rank = f"c.score * ({boost})"
    else:
        inner = "SELECT id AS row_id, kind, object_id, post_id, thread_id, body, document"
        rank = f"-(ts_rank(c.document, plainto_tsquery('simple', %s)) + 0.1) * ({boost})"
    sql = (
        "SELECT c.row_id, c.kind, c.object_id, c.post_id, c.thread_id, c.body,"  # noqa: S608 - fixed names; values are parameters
        f" {rank} AS rank FROM ({inner} FROM {TABLE} WHERE {' AND '.join(where)}"
        f" ORDER BY {TABLE}.{'rowid' if sqlite else 'id'} DESC LIMIT %s) AS c"
        " ORDER BY rank, c.row_id DESC LIMIT %s OFFSET %s"
    )
    params.append(WINDOW)
    if not sqlite:
        params.insert(0, " ".join(terms))
    params.extend([per_page + 1, (page - 1) * per_page])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    return SearchPage(
        hits=_hits(user, rows, terms), has_next=has_next, page=page, per_page=per_page
    )


def _hits(user, rows, terms: list[str]) -> list[SearchHit]:
    thread_ids = {int(row[4]) for row in rows}
    threads = {
        t.pk: t
        for t in threads_for(user)
        .filter(pk__in=thread_ids)
        .select_related("space", "author_organization")
    }
    answers = {
        a.pk: a
        for a in OfficialAnswer.objects.filter(
            pk__in=[int(r[2]) for r in rows if int(r[1]) == ANSWER]
        ).select_related("organization")
    }
    files = {
        f.pk: f
        for f in PostAttachment.objects.filter(
            pk__in=[int(r[2]) for r in rows if int(r[1]) == ATTACHMENT]
        )
    }
    hits = []
    for _key, kind, object_id, post_id, thread_id, body, _rank in rows:
        thread = threads.get(int(thread_id))
        if thread is None:  # changed since the query (deleted, say)
            continue
        kind = int(kind)
        hits.append(
            SearchHit(
                kind=ROW_KINDS[kind],
                object_id=int(object_id),
                post_id=int(post_id) if post_id is not None else None,
                thread=thread,
                snippet=snippet(body, terms),
                answer=answers.get(int(object_id)) if kind == ANSWER else None,
                attachment=files.get(int(object_id)) if kind == ATTACHMENT else None,
            )
        )
    return hits


def snippet(text: str, terms: list[str]) -> SafeString:
    """A piece of ``text`` around the first match, escaped, then each match marked."""
    flat = " ".join(text.split())
    pattern = re.compile(
        "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE
    )
    first = pattern.search(flat)
    start = max(0, first.start() - SNIPPET_BEFORE) if first else 0
    piece = flat[start : start + SNIPPET_LENGTH]
    parts: list[str] = []
    position = 0
    for match in pattern.finditer(piece):
        parts.append(escape(piece[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(piece[position:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET_LENGTH < len(flat) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308 - every piece escaped above
