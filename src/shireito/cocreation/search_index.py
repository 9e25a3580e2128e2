"""The search index of the co-creation platform: one row per thing that can be found (a
thread's title, a published post, an official answer's wording, an attachment's name), kept
by database triggers so every way of writing (services, bulk loads of the demo scale, an
import) keeps it right without remembering to.

A row's id says what it is: ``object id × 4 + KIND`` (``ROW_KINDS``), so a trigger replaces
the row of an object without looking it up. Beside the text, a row carries the thread, space
and author's organisation it belongs to, so scoping and filters narrow the matches inside the
one query. Whether the reader may see the row (a space they read, not a draft or a hidden post
of someone else, an official answer in force or superseded) is decided when searching
(``selectors.search``): the index holds text, never permissions.

- SQLite: an FTS5 virtual table with the trigram tokenizer (Japanese has no spaces between
  words; trigrams find any substring of three characters or more, in any script).
- PostgreSQL: a table with ``to_tsvector('simple', …)`` (English words, for ranking) and a
  GIN ``pg_trgm`` index on the text (substring matching for Japanese and English alike).
"""

from __future__ import annotations

from django.db import connection

TABLE = "cocreation_search"
THREAD, POST, ANSWER, ATTACHMENT = 0, 1, 2, 3
ROW_KINDS = {THREAD: "thread", POST: "post", ANSWER: "answer", ATTACHMENT: "attachment"}

# --- SQLite --------------------------------------------------------------------------------

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE cocreation_search USING fts5(
        body, kind UNINDEXED, object_id UNINDEXED, post_id UNINDEXED, thread_id UNINDEXED,
        space_id UNINDEXED, organization_id UNINDEXED, tokenize='trigram')""",
    # threads: the title, drafts too (the search hides a draft thread from others)
    """CREATE TRIGGER cocreation_search_thread_ai AFTER INSERT ON cocreation_thread BEGIN
        INSERT INTO cocreation_search (rowid, body, kind, object_id, post_id,
        thread_id, space_id, organization_id)
        VALUES (new.id * 4, new.title, 0, new.id, NULL, new.id, new.space_id,
        new.author_organization_id); END""",
    """CREATE TRIGGER cocreation_search_thread_au AFTER UPDATE OF title ON cocreation_thread BEGIN
        DELETE FROM cocreation_search WHERE rowid = old.id * 4;
        INSERT INTO cocreation_search (rowid, body, kind, object_id, post_id,
        thread_id, space_id, organization_id)
        VALUES (new.id * 4, new.title, 0, new.id, NULL, new.id, new.space_id,
        new.author_organization_id); END""",
    """CREATE TRIGGER cocreation_search_thread_ad AFTER DELETE ON cocreation_thread BEGIN
        DELETE FROM cocreation_search WHERE rowid = old.id * 4; END""",
    # posts: published ones only
    """CREATE TRIGGER cocreation_search_post_ai AFTER INSERT ON cocreation_post
        WHEN new.is_draft = 0 BEGIN
        INSERT INTO cocreation_search (rowid, body, kind, object_id, post_id,
        thread_id, space_id, organization_id)
        SELECT new.id * 4 + 1, new.body, 1, new.id, new.id, new.thread_id,
        t.space_id, new.author_organization_id FROM cocreation_thread t WHERE t.id = new.thread_id;
        END""",
    """CREATE TRIGGER cocreation_search_post_au AFTER UPDATE OF body, is_draft ON cocreation_post
        BEGIN
        DELETE FROM cocreation_search WHERE rowid = old.id * 4 + 1;
        INSERT INTO cocreation_search (rowid, body, kind, object_id, post_id,
        thread_id, space_id, organization_id)
        SELECT new.id * 4 + 1, new.body, 1, new.id, new.id, new.thread_id,
        t.space_id, new.author_organization_id FROM cocreation_thread t
        WHERE t.id = new.thread_id AND new.is_draft = 0; END""",
    """CREATE TRIGGER cocreation_search_post_ad AFTER DELETE ON cocreation_post BEGIN
        DELETE FROM cocreation_search WHERE rowid = old.id * 4 + 1; END""",
    # official answers: their wording (the status is asked when searching)
    """CREATE TRIGGER cocreation_search_answer_ai AFTER INSERT ON cocreation_officialanswer
        WHEN new.summary != '' BEGIN
        INSERT INTO cocreation_search (rowid, body, kind, object_id, post_id,
        thread_id, space_id, organization_id)
        SELECT new.id * 4 + 2, new.summary, 2, new.id, new.post_id, new.thread_id,
        t.space_id, new.organization_id FROM cocreation_thread t WHERE t.id = new.thread_id;
        END""",
    """CREATE TRIGGER cocreation_search_answer_au AFTER UPDATE OF summary
        ON cocreation_officialanswer BEGIN
        DELETE FROM cocreation_search WHERE rowid = old.id * 4 + 2;
        INSERT INTO cocreation_search (rowid, body, kind, object_id, post_id,
        thread_id, space_id, organization_id)
        SELECT new.id * 4 + 2, new.summary, 2, new.id, new.post_id, new.thread_id,
        t.space_id, new.organization_id FROM cocreation_thread t
        WHERE t.id = new.thread_id AND new.summary != ''; END""",
    """CREATE TRIGGER cocreation_search_answer_ad AFTER DELETE ON cocreation_officialanswer
        BEGIN DELETE FROM cocreation_search WHERE rowid = old.id * 4 + 2; END""",
    # attachments: the file's name
    """CREATE TRIGGER cocreation_search_attachment_ai AFTER INSERT ON cocreation_postattachment
        BEGIN
        INSERT INTO cocreation_search (rowid, body, kind, object_id, post_id,
        thread_id, space_id, organization_id)
        SELECT new.id * 4 + 3, new.name, 3, new.id, new.post_id, p.thread_id,
        t.space_id, p.author_organization_id FROM cocreation_post p
        JOIN cocreation_thread t ON t.id = p.thread_id WHERE p.id = new.post_id; END""",
    """CREATE TRIGGER cocreation_search_attachment_au AFTER UPDATE OF name
        ON cocreation_postattachment BEGIN
        DELETE FROM cocreation_search WHERE rowid = old.id * 4 + 3;
        INSERT INTO cocreation_search (rowid, body, kind, object_id, post_id,
        thread_id, space_id, organization_id)
        SELECT new.id * 4 + 3, new.name, 3, new.id, new.post_id, p.thread_id,
        t.space_id, p.author_organization_id FROM cocreation_post p
        JOIN cocreation_thread t ON t.id = p.thread_id WHERE p.id = new.post_id; END""",
    """CREATE TRIGGER cocreation_search_attachment_ad AFTER DELETE ON cocreation_postattachment
        BEGIN DELETE FROM cocreation_search WHERE rowid = old.id * 4 + 3; END""",
]
SQLITE_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS cocreation_search_{table}_{when}"
        for table in ("thread", "post", "answer", "attachment")
        for when in ("ai", "au", "ad")
    ),
    f"DROP TABLE IF EXISTS {TABLE}",
]

# --- PostgreSQL ----------------------------------------------------------------------------

POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE cocreation_search (
        id bigint PRIMARY KEY,
        kind smallint NOT NULL,
        object_id bigint NOT NULL,
        post_id bigint,
        thread_id bigint NOT NULL,
        space_id bigint NOT NULL,
        organization_id bigint,
        body text NOT NULL,
        document tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)""",
    "CREATE INDEX cocreation_search_document ON cocreation_search USING gin (document)",
    "CREATE INDEX cocreation_search_trigram ON cocreation_search USING gin (body gin_trgm_ops)",
    "CREATE INDEX cocreation_search_thread ON cocreation_search (thread_id)",
    """CREATE FUNCTION cocreation_search_put(row_id bigint, row_kind smallint,
            object bigint, post bigint, thread bigint, organization bigint, text_ text)
        RETURNS void AS $$
        BEGIN
            IF text_ IS NULL OR text_ = '' THEN
                DELETE FROM cocreation_search WHERE id = row_id;
                RETURN;
            END IF;
            INSERT INTO cocreation_search (id, kind, object_id, post_id, thread_id, space_id,
                                 organization_id, body)
            SELECT row_id, row_kind, object, post, thread, t.space_id, organization, text_
            FROM cocreation_thread t WHERE t.id = thread
            ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body;
        END; $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION cocreation_search_thread() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM cocreation_search WHERE id = OLD.id * 4; RETURN OLD;
            END IF;
            PERFORM cocreation_search_put(NEW.id * 4, 0::smallint, NEW.id, NULL, NEW.id,
                NEW.author_organization_id, NEW.title);
            RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION cocreation_search_post() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM cocreation_search WHERE id = OLD.id * 4 + 1; RETURN OLD;
            END IF;
            PERFORM cocreation_search_put(NEW.id * 4 + 1, 1::smallint, NEW.id, NEW.id,
                NEW.thread_id, NEW.author_organization_id,
                CASE WHEN NEW.is_draft THEN NULL ELSE NEW.body END);
            RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION cocreation_search_answer() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM cocreation_search WHERE id = OLD.id * 4 + 2; RETURN OLD;
            END IF;
            PERFORM cocreation_search_put(NEW.id * 4 + 2, 2::smallint, NEW.id, NEW.post_id,
                NEW.thread_id, NEW.organization_id, NEW.summary);
            RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
    """CREATE FUNCTION cocreation_search_attachment() RETURNS trigger AS $$
        DECLARE p record;
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM cocreation_search WHERE id = OLD.id * 4 + 3; RETURN OLD;
            END IF;
            SELECT thread_id, author_organization_id INTO p FROM cocreation_post
                WHERE id = NEW.post_id;
            PERFORM cocreation_search_put(NEW.id * 4 + 3, 3::smallint, NEW.id, NEW.post_id,
                p.thread_id, p.author_organization_id, NEW.name);
            RETURN NEW;
        END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER cocreation_search_thread AFTER INSERT OR DELETE OR UPDATE OF title
        ON cocreation_thread FOR EACH ROW EXECUTE FUNCTION cocreation_search_thread()""",
    """CREATE TRIGGER cocreation_search_post AFTER INSERT OR DELETE OR UPDATE OF body, is_draft
        ON cocreation_post FOR EACH ROW EXECUTE FUNCTION cocreation_search_post()""",
    """CREATE TRIGGER cocreation_search_answer AFTER INSERT OR DELETE OR UPDATE OF summary
        ON cocreation_officialanswer FOR EACH ROW EXECUTE FUNCTION cocreation_search_answer()""",
    """CREATE TRIGGER cocreation_search_attachment AFTER INSERT OR DELETE OR UPDATE OF name
        ON cocreation_postattachment FOR EACH ROW
        EXECUTE FUNCTION cocreation_search_attachment()""",
]
POSTGRESQL_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS cocreation_search_{table} ON cocreation_{name}"
        for table, name in (
            ("thread", "thread"),
            ("post", "post"),
            ("answer", "officialanswer"),
            ("attachment", "postattachment"),
        )
    ),
    *(
        f"DROP FUNCTION IF EXISTS cocreation_search_{name}()"
        for name in ("thread", "post", "answer", "attachment")
    ),
    "DROP FUNCTION IF EXISTS cocreation_search_put("
    "bigint, smallint, bigint, bigint, bigint, bigint, text)",
    f"DROP TABLE IF EXISTS {TABLE}",
    # pg_trgm stays: another part of the database may use it.
]

FORWARD = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}
BACKWARD = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}


def install(schema_editor) -> None:
    for statement in FORWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def uninstall(schema_editor) -> None:
    for statement in BACKWARD.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def rebuild() -> None:
    """Fill the index again from the tables (after a restore that skipped triggers): each
    table's rows are touched, so their triggers write the rows again."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cocreation_search")
        # An UPDATE OF a column fires its trigger even when the value stays the same.
        for table, column in (
            ("cocreation_thread", "title"),
            ("cocreation_post", "body"),
            ("cocreation_officialanswer", "summary"),
            ("cocreation_postattachment", "name"),
        ):
            cursor.execute(f"UPDATE {table} SET {column} = {column}")  # noqa: S608 - fixed names
