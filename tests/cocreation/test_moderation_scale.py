"""The co-creation platform in the national-scale data set, run small: members, spaces of
uneven size, threads of 1 to 200 posts (some exactly 200) adding up to the promised count,
official answers and proposals, the hook for derived data, and nothing half-written when the
run stops."""

import pytest

from shireito.cocreation import scale as cocreation_scale
from shireito.cocreation.models import OfficialAnswer, Post, Space, Thread
from shireito.demo.scale import generate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small(monkeypatch):
    monkeypatch.setattr(cocreation_scale, "MEMBERS", 300)
    monkeypatch.setattr(cocreation_scale, "SPACES", 8)
    monkeypatch.setattr(cocreation_scale, "THREADS", 400)
    monkeypatch.setattr(cocreation_scale, "POSTS", 6_000)
    monkeypatch.setattr(cocreation_scale, "THREAD_CHUNK", 150)


def run(seed=3):
    return generate(
        systems=100, seed=seed, audits=False, incidents=False, plan=False, cocreation=True
    )


def test_the_scale_platform_has_the_promised_shape(government, monkeypatch):
    # given a hook of the search part
    seen = []
    monkeypatch.setattr(cocreation_scale, "AFTER_BULK_LOAD", [seen.append])
    # when the scale data is generated small
    result = run()
    # then the counts are the promised ones
    spaces = Space.objects.filter(slug__startswith="scale-")
    assert spaces.count() == 8
    threads = Thread.objects.filter(space__in=spaces)
    assert result.cocreation_threads == threads.count() == 400
    assert result.cocreation_posts == Post.objects.filter(thread__space__in=spaces).count() == 6_000
    assert result.cocreation_members == 300
    # threads hold 1 to 200 posts, their counts right, some exactly 200
    counts = list(threads.values_list("post_count", flat=True))
    assert min(counts) >= 1 and max(counts) == 200
    assert counts.count(200) == 4
    big = threads.filter(post_count=200).first()
    assert big.posts.count() == 200 and big.posts.filter(is_opening=True).count() == 1
    # a few big spaces: the largest holds several times the smallest
    sizes = sorted(spaces.values_list("threads__space", flat=True).distinct())
    per_space = [threads.filter(space_id=pk).count() for pk in sizes]
    assert max(per_space) > 3 * min(per_space)
    # proposals and answers, the hook told of the spaces
    assert threads.filter(kind="proposal").exists()
    assert threads.filter(is_answered=True, accepted_post__isnull=False).exists()
    assert OfficialAnswer.objects.filter(thread__space__in=spaces, status="official").exists()
    assert [sorted(load.space_ids) for load in seen] == [
        sorted(spaces.values_list("pk", flat=True))
    ]


def test_the_same_seed_gives_the_same_data_and_a_run_replaces_the_last(government):
    run(seed=4)

    def shape():
        return list(
            Thread.objects.filter(space__slug__startswith="scale-")
            .order_by("space__slug", "title", "post_count")
            .values_list("space__slug", "kind", "post_count")
        )

    first = shape()
    run(seed=4)
    assert shape() == first
    assert Space.objects.filter(slug__startswith="scale-").count() == 8


def test_an_interrupted_run_leaves_nothing(government, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cocreation_scale, "_answers", broken)
    with pytest.raises(KeyboardInterrupt):
        run()
    assert not Space.objects.exists()
    assert not Post.objects.exists()
