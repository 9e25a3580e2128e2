"""What every app's permission rules answer before their own question."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate

from shireito.core.scoping import is_platform_admin


def settled(actor: Any) -> bool | None:
    """The answer shared by every rule about changing something: the system itself (``None``:
    the command line, data loads) and platform admins may; someone not signed in, or
    deactivated, may not. ``None`` leaves the answer to the rule's own question."""
    if actor is None:
        return True
    if not (actor.is_authenticated and actor.is_active):
        return False
    if is_platform_admin(actor):
        return True
    return None


def rule[**P](
    question: Callable[Concatenate[Any, P], bool],
) -> Callable[Concatenate[Any, P], bool]:
    """A permission rule whose function asks only its own question of a signed-in user who is
    no platform admin; ``settled`` answers for everyone else."""

    @wraps(question)
    def ask(actor: Any, *args: P.args, **kwargs: P.kwargs) -> bool:
        answer = settled(actor)
        return answer if answer is not None else question(actor, *args, **kwargs)

    return ask
