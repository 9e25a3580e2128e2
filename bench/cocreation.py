"""Benchmark the co-creation platform (issue 19) at national scale: ``demo load`` + ``demo
scale`` (12,500 members, 100 spaces, 100,000 threads, 1,000,000 posts over the scale
organisations), then a space's thread list, a thread of 200 posts, search and posting
(with whatever the post hooks do: mentions, the search index, notifications fan-out),
in-process beside the pages over HTTP where this checkout has them. Prints p50/p95 beside the
issue's targets; asserts nothing.

    .venv/bin/python bench/cocreation.py [--systems 2000] [--runs 20] [--quick]

The reader is a member of the biggest space (a scale user); the thread is its most recent one
of exactly 200 posts. A page that this checkout does not have (no such URL name, or an answer
other than 200) is skipped and said so. Targets (p95): thread list and a 200-post thread
≤ 200 ms; search ≤ 300 ms; posting ≤ 100 ms including notifications fan-out.
"""

from __future__ import annotations

import argparse
import logging
import os

from _harness import Bench, Row, setup, time_runs
from _http import served

LIST_TARGET_MS, THREAD_TARGET_MS, SEARCH_TARGET_MS, POST_TARGET_MS = 200, 200, 300, 100
# Pages of the other parts, by URL name and how to fill them; skipped when not there.
PAGES = [
    ("space's thread list", "cocreation:space", lambda s, t: [s.slug], LIST_TARGET_MS),
    ("thread of 200 posts", "cocreation:thread", lambda s, t: [s.slug, t.pk], THREAD_TARGET_MS),
]
SEARCHES = ["性能試験", "ガバメントクラウド 移行", "migration"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--systems", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--quick", action="store_true", help="a tenth of the posts, 5 runs: a smoke run"
    )
    args = parser.parse_args()
    bench = setup("cocreation", demo=True)
    from django.conf import settings

    # The bench posts far faster than a person may.
    settings.SHIREITO_COCREATION_RATE_LIMITS = dict.fromkeys(
        ("threads_per_minute", "threads_per_hour", "posts_per_minute", "posts_per_hour"), 1_000_000
    )
    if args.quick:
        from shireito.cocreation import scale

        scale.MEMBERS, scale.THREADS, scale.POSTS = 2_000, 10_000, 100_000
        args.runs = 5
    generate(bench, args.systems)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    reader, space, thread = _subject(bench)
    _in_process(bench, reader, space, thread, args.runs)
    _posting(bench, reader, thread, args.runs)
    with served(bench) as http:
        _pages(bench, http, reader, space, thread, args.runs)
        _search(bench, http, reader, args.runs)


def generate(bench: Bench, systems: int) -> None:
    """The demo, the scale organisations (a few systems, no audits, incidents or plan), then
    the co-creation scale data, timed alone."""
    from django.core.management import call_command

    from shireito.cocreation.scale import generate_cocreation

    with open(os.devnull, "w") as devnull:
        timing = time_runs(lambda: call_command("demo", "load", stdout=devnull), 1, warmup=0)
        bench.record_timing("demo load", timing)
        bench.progress(f"demo scale --systems {systems:,} (organisations only) …")
        call_command(
            "demo",
            "scale",
            systems=systems,
            seed=1,
            audits=False,
            incidents=False,
            plan=False,
            cocreation=False,
            stdout=devnull,
        )

    def progress(stage: str, done: int, total: int) -> None:
        if done == total or done % 100_000 < 10_000:
            bench.progress(f"{stage}: {done:,}/{total:,}")

    bench.progress("co-creation at scale …")
    timing = time_runs(lambda: generate_cocreation(seed=1, progress=progress), 1, warmup=0)
    made = timing.last
    bench.record_timing(
        "demo scale: co-creation alone (cocreation.scale.generate_cocreation)",
        timing,
        data=(
            f"{made.members:,} members, {made.spaces} spaces, {made.threads:,} threads, "
            f"{made.posts:,} posts, {made.official_answers:,} official answers, "
            f"{made.follows:,} follows"
        ),
        size=True,
    )


def _subject(bench: Bench):
    """A member of the biggest space, and its latest thread of 200 posts."""
    from django.db.models import Count

    from shireito.accounts.models import User
    from shireito.cocreation.models import Membership, Space, Thread

    space = (
        Space.objects.filter(slug__startswith="scale-")
        .annotate(size=Count("threads"))
        .order_by("-size")
        .first()
    )
    thread = Thread.objects.filter(space=space, post_count=200).order_by("-last_posted_at").first()
    member = Membership.objects.filter(space=space, role="member").order_by("user_id").first()
    reader = User.objects.get(pk=member.user_id)
    bench.record(
        Row(
            script=bench.script,
            case="the biggest scale space",
            database=bench.vendor,
            data=f"{space.size:,} threads; reader {reader.username}; thread {thread.pk}",
        )
    )
    return reader, space, thread


def _in_process(bench: Bench, reader, space, thread, runs: int) -> None:
    from django.template import engines
    from django.test import RequestFactory

    from shireito.cocreation.selectors.moderation import shown
    from shireito.cocreation.selectors.threads import posts_of, threads_of

    bench.measure(
        "in-process: a space's thread list, first 50 of the latest (selector)",
        lambda: list(threads_of(reader, space)[:50]),
        runs,
        target_ms=LIST_TARGET_MS,
    )
    request = RequestFactory().get("/")
    request.user = reader
    # One page render over the posts, as the thread page includes the partial per post.
    page = engines["django"].from_string(
        "{% for post in posts %}{% include 'cocreation/partials/_moderation_actions.html' %}"
        "{% endfor %}"
    )

    def read():
        reader.__dict__.pop("_shireito_cocreation_reported", None)
        posts = shown(reader, posts_of(reader, thread))
        for post in posts:
            post.thread = thread
        page.render({"posts": posts, "thread": thread, "space": space}, request)
        return posts

    timing = bench.measure(
        "in-process: a thread of 200 posts (selector, hidden text withheld, moderation "
        "actions per post)",
        read,
        runs,
        target_ms=THREAD_TARGET_MS,
    )
    bench.rows[-1].data = f"{len(timing.last)} posts"


def _posting(bench: Bench, reader, thread, runs: int) -> None:
    from shireito.cocreation.services import posts

    hooks = ", ".join(getattr(hook, "__module__", "?") for hook in posts.POST_HOOKS) or "none"
    bench.measure(
        "in-process: posting a reply (post_create with its hooks and on-commit fan-out)",
        lambda: posts.post_create(actor=reader, thread=thread, body="ベンチマークの返信です。"),
        runs,
        target_ms=POST_TARGET_MS,
        note=f"post hooks registered: {hooks}",
    )


def _pages(bench: Bench, http, reader, space, thread, runs: int) -> None:
    from django.urls import NoReverseMatch, reverse

    browser = http.with_session(reader)
    for name, url_name, arguments, target in PAGES:
        case = f"{name} page (HTTP)"
        try:
            path = reverse(url_name, args=arguments(space, thread))
        except NoReverseMatch:
            _skipped(bench, case, f"no URL named {url_name}")
            continue
        status = browser.session.get(browser.base + path, timeout=600).status_code
        if status != 200:
            _skipped(bench, case, f"{path} answered {status}")
            continue
        browser.measure(case, lambda path=path: browser.get(path).content, runs, target_ms=target)


def _search(bench: Bench, http, reader, runs: int) -> None:
    from django.urls import NoReverseMatch, reverse

    browser = http.with_session(reader)
    try:
        path = reverse("cocreation:search")
    except NoReverseMatch:
        _skipped(bench, "search page (HTTP)", "no URL named cocreation:search on this checkout")
        return
    for words in SEARCHES:
        case = f"search “{words}” (HTTP)"
        status = browser.session.get(browser.base + path, params={"q": words}).status_code
        if status != 200:
            _skipped(bench, case, f"{path} answered {status}")
            continue
        browser.measure(
            case,
            lambda words=words: browser.get(path, params={"q": words}).content,
            runs,
            target_ms=SEARCH_TARGET_MS,
        )


def _skipped(bench: Bench, case: str, why: str) -> None:
    bench.record(Row(script=bench.script, case=case, database=bench.vendor, note=f"skipped: {why}"))


if __name__ == "__main__":
    main()
