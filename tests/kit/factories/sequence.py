"""One counter for every factory, so generated codes never collide within a test run."""

import itertools

_numbers = itertools.count(1)


def next_number() -> int:
    return next(_numbers)
