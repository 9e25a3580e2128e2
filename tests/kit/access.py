"""Access tables: one row per role, checked on the pages and the API alike.

NetBox's ``ViewTestCases`` give every model its list, detail, create and edit tests for free;
this is the same idea for a table of roles. A ``Model`` says where a model's pages and API
endpoints are; an ``Expect`` says what one role may do with one object; ``check_access`` signs
the role's user in and checks every cell, on the pages (Django test client, session) and on
the API (ninja through the same client, with a bearer token, or with the session when
``api_auth="session"``):

- list: the object is listed (page: a link to its detail page; API: its key in ``items``)
  exactly when the role sees it;
- detail: 200 when it sees it, 404 when not (hidden objects are never 403);
- create: the create page answers 200 or 403 and the API create 201 or 403; the list page
  offers a link to the create page only to those who may create;
- edit: 200 for editors, 403 for those who only see it, 404 for those who do not; the detail
  page offers the edit link only to editors; a refused POST or PATCH answers as the GET does;
- missing: an unknown key answers 404 on the detail and edit page and API, for every role.

Every failing cell is collected and reported at once, so one run shows the whole table.

Usage (tests/registry/test_access_table.py has the whole table)::

    SYSTEMS = Model(
        list_page="/systems/", detail_page="/systems/{key}/", ...,  # and the API's paths
        create_body=lambda user, n: {"code": f"new-{n}", ...},  # a valid body for ``user``
        edit_body={"name_en": "Benefits application"},
    )
    MHLW_APP = {
        "mhlw-editor": Expect(Can.EDIT, create=True),
        "mhlw-viewer": Expect(Can.VIEW),
        "meti-editor": Expect(Can.NOTHING, create=True),
    }

    @pytest.mark.parametrize("role", MHLW_APP)
    def test_who_may_do_what_with_a_system(government, systems, role):
        # given a person of the role and MHLW's ministry system
        user = make_user(organization=government[role[:4]], roles=[role[5:]])
        # when they use every page and endpoint of it / then each answers as the table says
        check_access(user, SYSTEMS, key="mhlw-app", expect=MHLW_APP[role])
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from django.test import Client

from shireito.accounts.services import api_token_create
from tests.kit.factories.sequence import next_number

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as HttpResponse

    from shireito.accounts.models import User


class Can(enum.Enum):
    """What a role may do with one object."""

    NOTHING = "nothing"  # it does not exist for the role: 404 everywhere, never listed
    VIEW = "view"  # listed and readable; changing it is 403
    EDIT = "edit"  # listed, readable and changeable


@dataclass(frozen=True)
class Expect:
    """One row of an access table: what the role may do with the object, and whether it may
    add one of its own (the create page and endpoint, not tied to the object)."""

    object: Can
    create: bool = False


@dataclass(frozen=True)
class Model:
    """Where one model's pages and API endpoints are; ``{key}`` stands for the object's key.

    ``create_body(user, n)`` makes a valid API body for a new object of ``user``'s (``n``
    keeps keys unique); a body holding a file is sent as multipart, any other as JSON. Leave
    out what the model does not have (a catalog has no edit page): its cells are not checked.
    ``unchecked`` names link checks ("create link", "edit link") a page does not pass yet;
    say why beside it."""

    list_page: str
    detail_page: str
    api_list: str
    api_detail: str
    create_page: str | None = None
    edit_page: str | None = None
    api_create: str | None = None  # POST; usually the same path as api_list
    api_edit: str | None = None  # PATCH; usually the same path as api_detail
    api_key: str = "code"  # the field of an API list item that holds the key
    create_body: Callable[[User, int], dict[str, Any]] | None = None
    edit_body: dict[str, Any] = field(default_factory=dict)
    missing_key: str = "no-such-thing"
    unchecked: frozenset[str] = frozenset()


@dataclass
class _Cells:
    """The failing cells of one role's row, reported together."""

    failures: list[str] = field(default_factory=list)

    def status(self, where: str, response: HttpResponse, expected: int | tuple[int, ...]) -> None:
        wanted = expected if isinstance(expected, tuple) else (expected,)
        if response.status_code not in wanted:
            self.failures.append(
                f"{where}: expected {expected}, got {response.status_code} {_excerpt(response)}"
            )

    def check(self, where: str, ok: bool) -> None:
        if not ok:
            self.failures.append(where)


def _excerpt(response: HttpResponse) -> str:
    """The start of a body, JSON with its Japanese readable, for a failure message."""
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(response.json(), ensure_ascii=False)
    else:
        text = response.content[:2000].decode(errors="replace")
    return " ".join(text.split())[:300]


def _links_to(response: HttpResponse, url: str) -> bool:
    return f'href="{url}"' in response.content.decode()


def _items(response: HttpResponse) -> list[dict]:
    data = response.json()
    return data["items"] if isinstance(data, dict) else data


def _send(client: Client, method: str, path: str, body: dict, headers: dict) -> HttpResponse:
    if any(hasattr(value, "read") for value in body.values()):
        return client.post(path, body, **headers)  # multipart, as an upload is sent
    return getattr(client, method)(
        path, json.dumps(body), content_type="application/json", **headers
    )


def check_access(
    user: User,
    model: Model,
    *,
    key: str,
    expect: Expect,
    api_auth: Literal["token", "session"] = "token",
) -> None:
    """Check every cell of ``expect`` for ``user`` and the object with ``key``; fail once,
    naming every cell that answered otherwise. ``api_auth`` is ``"token"`` (a bearer token)
    or ``"session"`` (the signed-in browser session)."""
    client = Client()
    client.force_login(user)
    headers: dict[str, str] = {}
    if api_auth == "token":
        _token, secret = api_token_create(actor=None, user=user, name="access table")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    cells = _Cells()
    _check_list(client, headers, model, key, expect, cells)
    _check_detail(client, headers, model, key, expect, cells)
    _check_create(client, headers, model, user, expect, cells)
    _check_edit(client, headers, model, key, expect, cells)
    _check_missing(client, headers, model, cells)
    assert not cells.failures, f"{user.username}:\n  " + "\n  ".join(cells.failures)


def _check_list(client, headers, model: Model, key, expect: Expect, cells: _Cells) -> None:
    sees = expect.object is not Can.NOTHING
    page = client.get(model.list_page)
    cells.status("list page", page, 200)
    detail = model.detail_page.format(key=key)
    cells.check(f"list page links to {detail}: expected {sees}", _links_to(page, detail) == sees)
    if model.create_page and "create link" not in model.unchecked:
        offers = _links_to(page, model.create_page)
        cells.check(
            f"list page offers {model.create_page}: expected {expect.create}",
            offers == expect.create,
        )
    api = client.get(model.api_list, {"limit": 500}, **headers)
    cells.status("API list", api, 200)
    if api.status_code == 200:
        listed = {str(item[model.api_key]) for item in _items(api)}
        cells.check(f"API list holds {key}: expected {sees}", (key in listed) == sees)


def _check_detail(client, headers, model: Model, key, expect: Expect, cells: _Cells) -> None:
    status = 404 if expect.object is Can.NOTHING else 200
    page = client.get(model.detail_page.format(key=key))
    cells.status("detail page", page, status)
    if model.edit_page and status == 200 and "edit link" not in model.unchecked:
        edit = model.edit_page.format(key=key)
        may = expect.object is Can.EDIT
        cells.check(f"detail page offers {edit}: expected {may}", _links_to(page, edit) == may)
    cells.status("API detail", client.get(model.api_detail.format(key=key), **headers), status)


def _check_create(client, headers, model: Model, user, expect: Expect, cells: _Cells) -> None:
    if model.create_page:
        cells.status("create page", client.get(model.create_page), 200 if expect.create else 403)
        if not expect.create:
            cells.status("create page POST", client.post(model.create_page, {}), 403)
    if model.api_create and model.create_body:
        body = model.create_body(user, next_number())
        sent = _send(client, "post", model.api_create, body, headers)
        cells.status("API create", sent, (200, 201) if expect.create else 403)


def _check_edit(client, headers, model: Model, key, expect: Expect, cells: _Cells) -> None:
    status = {Can.NOTHING: 404, Can.VIEW: 403, Can.EDIT: 200}[expect.object]
    if model.edit_page:
        page = model.edit_page.format(key=key)
        cells.status("edit page", client.get(page), status)
        if status != 200:
            cells.status("edit page POST", client.post(page, {}), status)
    if model.api_edit:
        path = model.api_edit.format(key=key)
        cells.status("API edit", _send(client, "patch", path, model.edit_body, headers), status)


def _check_missing(client, headers, model: Model, cells: _Cells) -> None:
    missing = model.missing_key
    cells.status("missing detail page", client.get(model.detail_page.format(key=missing)), 404)
    cells.status(
        "missing API detail", client.get(model.api_detail.format(key=missing), **headers), 404
    )
    if model.edit_page:
        cells.status("missing edit page", client.get(model.edit_page.format(key=missing)), 404)
    if model.api_edit:
        path = model.api_edit.format(key=missing)
        cells.status(
            "missing API edit", _send(client, "patch", path, model.edit_body, headers), 404
        )
