"""Sign-in names that cannot pass for someone else's.

A name is normalised (Unicode NFKC, then lower case) and must then be ASCII: ``a``-``z``,
digits and ``. _ -``, starting and ending with a letter or digit. ASCII alone rules out the
cross-script look-alikes (a Cyrillic ``а`` in ``dа-admin``, full-width ``ｄａ``); lower case
plus a case-insensitive database constraint rules out ``DA-ADMIN`` beside ``da-admin``. What is
left are look-alikes within ASCII that Unicode's confusables data (UTS #39) lists for lower
case: ``0``/``o``, ``1``/``l``, ``rn``/``m``, ``vv``/``w``, ``cl``/``d``. Two names with the same
skeleton are refused as the same name. ``i`` and ``l`` are not confusable there (the dot), so
``da-admln`` stays a name of its own, shown beside the real one as the different word it is.
"""

from __future__ import annotations

import re
import unicodedata

SIGN_IN_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?\Z")
MAX_LENGTH = 150

# Digits first, so "c1" becomes "cl" before "cl" becomes "d": the skeleton of a skeleton is
# itself, and two names are alike exactly when their skeletons are equal.
_LOOK_ALIKES = (("0", "o"), ("1", "l"), ("rn", "m"), ("vv", "w"), ("cl", "d"))


def normalize_sign_in_name(value: str) -> str:
    """The form a name is stored and compared in: NFKC, lower case, no surrounding spaces."""
    return unicodedata.normalize("NFKC", value).strip().lower()


def is_valid_sign_in_name(name: str) -> bool:
    """Whether an already normalised name keeps to the letters sign-in names may use."""
    return len(name) <= MAX_LENGTH and bool(SIGN_IN_NAME.match(name))


def skeleton(name: str) -> str:
    """What a normalised name looks like, look-alike letters folded together."""
    for look_alike, letter in _LOOK_ALIKES:
        name = name.replace(look_alike, letter)
    return name


def axes_username(request, credentials: dict | None = None) -> str | None:
    """The name django-axes counts failures under: normalised, so ``DA-ADMIN`` and
    ``da-admin`` share one count and case cannot step around the lock-out."""
    if credentials:
        raw = credentials.get("username")
    else:
        raw = getattr(request, "POST", {}).get("username")
    return normalize_sign_in_name(raw) if isinstance(raw, str) else raw
