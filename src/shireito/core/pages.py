"""The generic pages every app builds from: a list, a detail, a form, a download.

After NetBox's ``ObjectListView``/``ObjectEditView``, as plain functions a view calls (and thin
classes for pages that are nothing more): each takes what differs between pages (a selector's
answer, a filter form, a template, one service call) and does the rest the same way
everywhere: 404 for what the user may not see, htmx partial or full page, bound forms, a
service's ``ValidationError`` shown on its fields, downloads that browsers never sniff or cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views import View

from shireito.core import concurrency
from shireito.core.filters import FilterForm
from shireito.core.forms import add_service_errors
from shireito.core.htmx import paginate, render_page


def get_or_404[T](found: T | None) -> T:
    """What a selector found, or 404: the user may not see it or it does not exist (the two
    answer alike, so a page never tells which)."""
    if found is None:
        raise Http404
    return found


def id_or_404(value: Any) -> int:
    """A URL's number as a database id, or 404 when it cannot be one (too large for the
    column, say) rather than a 500 from the database."""
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    if not 0 < number < 2**63:
        raise Http404
    return number


def bound_form[F: forms.BaseForm](
    form_class: type[F], request: HttpRequest, *, files: bool = False, **kwargs
) -> F:
    """``form_class`` bound to the POST (and its files) when there is one, else unbound."""
    if request.method != "POST":
        return form_class(**kwargs)
    if files:
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(request.POST, **kwargs)


def submit(
    form: forms.BaseForm,
    action: Callable[[dict], Any],
    aliases: Mapping[str, str] | None = None,
    check: Callable[[dict], Any] | None = None,
    instance: Any = None,
) -> tuple[bool, Any]:
    """Run one service call with a valid form's data. A ``ValidationError`` from the service
    lands on the form's fields (``aliases`` map the service's names to the form's) or above
    them; nothing else is caught.

    ``check`` is the service's validation without the write (its ``<entity>_check`` step,
    raising one ``ValidationError`` with every problem). It runs on every submission, with
    the fields that are valid when some are not, so one answer reports the field checks, the
    form's cross-field checks and the service's rules together; the action runs only when
    all pass.

    ``instance``, the versioned record the form edits, makes the save conditional on the
    version the form was loaded with (``with_version``): a change saved meanwhile by someone
    else is a ``Conflict``, shown above the form with the user's values kept; the result is
    then the conflict."""
    if not form.is_bound:
        return False, None
    valid = form.is_valid()
    # The version is the page's business, not the service's: it never reaches ``check`` or
    # ``action`` as a field.
    version = form.cleaned_data.pop(VERSION_FIELD, None)
    if check is not None and not _checked(form, check, aliases):
        return False, None
    if not valid:
        return False, None
    if instance is not None and VERSION_FIELD in form.fields:
        concurrency.expect_version(instance, version, concurrency.FROM_FORM)
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc, aliases)
        return False, None
    except concurrency.Conflict as exc:
        _show_conflict(form, exc)
        return False, exc
    return True, result


# The hidden field that carries the version a form was loaded with; a name no model field has.
VERSION_FIELD = "record_version"


def with_version[F: forms.BaseForm](form: F, instance: Any) -> F:
    """Add the hidden field with ``instance``'s version to a form that edits it. A submission
    without the field (a script posting the form) is checked against nothing."""
    if concurrency.is_versioned(instance):
        form.fields[VERSION_FIELD] = forms.IntegerField(
            widget=forms.HiddenInput, required=False, min_value=0, initial=instance.version
        )
    return form


def conflict_context(request: HttpRequest, result: Any) -> dict:
    """What ``components/conflict.html`` needs, for a page that calls ``submit`` itself:
    the conflict ``submit`` answered with (or none) and the page's address to reload."""
    conflict = result if isinstance(result, concurrency.Conflict) else None
    return {"conflict": conflict, "reload_url": request.get_full_path()}


def _show_conflict(form: forms.BaseForm, exc: concurrency.Conflict) -> None:
    """The conflict above the form; the hidden version moves to the stored one, so sending the
    form again (after reading what changed) is a deliberate replacement, not a blind one."""
    form.add_error(None, exc.message)
    data = dict(form.data.lists()) if hasattr(form.data, "lists") else dict(form.data)
    data[form.add_prefix(VERSION_FIELD)] = [str(exc.current)]
    form.data = QueryDict(mutable=True)
    for name, values in data.items():
        form.data.setlist(name, values if isinstance(values, list) else [values])


def _checked(
    form: forms.BaseForm, check: Callable[[dict], Any], aliases: Mapping[str, str] | None
) -> bool:
    """Run ``check`` on the form's valid fields; its problems join the form's, except on a
    field that already has one (the rule saw no value there, so it cannot judge it). True
    when it found nothing new."""
    failed = set(form.errors)
    data = {name: value for name, value in form.cleaned_data.items() if name not in failed}
    try:
        check(data)
    except ValidationError as exc:
        rename = getattr(form, "service_error", None)
        if rename is not None:
            exc = rename(exc)
        if hasattr(exc, "error_dict"):
            kept = {
                name: messages
                for name, messages in exc.error_dict.items()
                if (aliases or {}).get(name, name).split("[", 1)[0] not in failed
            }
            if not kept:
                return True
            exc = ValidationError(kept)
        add_service_errors(form, exc, aliases)
        return False
    return True


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    action: Callable[[dict], Any],
    success: str | Callable[[Any], str],
    redirect_to: str | Callable[[Any], str],
    title: str,
    intro: str = "",
    submit_label: str | None = None,
    cancel_url: str | None = None,
    template: str = "form_page.html",
    context: dict | None = None,
    check: Callable[[dict], Any] | None = None,
    aliases: Mapping[str, str] | None = None,
    instance: Any = None,
) -> HttpResponse:
    """One form, one service call: on success a message and a redirect (``redirect_to`` may
    be worked out from the service's result); otherwise the form with every error at once
    (``check``, the service's validation step: see ``submit``). ``instance`` is the record
    the form changes: a versioned one is protected from lost updates (see ``submit``)."""
    if instance is not None:
        with_version(form, instance)
    done, result = submit(form, action, aliases, check, instance)
    if done:
        messages.success(request, success(result) if callable(success) else success)
        return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return render(
        request,
        template,
        {
            "form": form,
            "page_title": title,
            "intro": intro,
            "submit_label": submit_label,
            "cancel_url": cancel_url if cancel_url is not None else _plain(redirect_to),
            **conflict_context(request, result),
            **(context or {}),
        },
    )


def _plain(url: str | Callable[[Any], str]) -> str | None:
    return url if isinstance(url, str) else None


def list_page(
    request: HttpRequest,
    *,
    template: str,
    items: Any,
    filters: FilterForm | None = None,
    context: dict | None = None,
    partial: str | None = "results",
    per_page: int = 50,
    rows: Callable[[Any], Any] | None = None,
) -> HttpResponse:
    """A page of ``items`` (a selector's scoped answer) under its filter form: the whole page,
    or for an htmx request only the results, so filtering works with and without JavaScript.
    ``query`` is the filter's query string without the page, for export links and paging;
    ``rows`` turns the page's rows into what the template shows (redacted, annotated)."""
    query = request.GET.copy()
    query.pop("page", None)
    page = paginate(request, items, per_page=per_page)
    if rows is not None:
        page.object_list = rows(page.object_list)
    return render_page(
        request,
        template,
        {
            "page": page,
            "filter_form": filters,
            "filters": filters.values() if filters is not None else {},
            "query": query.urlencode(),
            **(context or {}),
        },
        partial=partial,
    )


def file_response(
    content: bytes | str | Iterable[bytes] | Iterable[str] | Any,
    *,
    filename: str,
    content_type: str,
    inline: bool = False,
) -> HttpResponseBase:
    """A download: bytes, text, an iterator of chunks (streamed) or an open file. Always
    ``nosniff`` (the browser trusts our content type, never its guess) and ``no-store`` (a
    shared computer keeps no copy of what the user may read)."""
    response: HttpResponseBase
    if hasattr(content, "read"):
        response = FileResponse(
            content, as_attachment=not inline, filename=filename, content_type=content_type
        )
    else:
        if isinstance(content, bytes | str):
            response = HttpResponse(content, content_type=content_type)
        else:
            response = StreamingHttpResponse(_chunks(content), content_type=content_type)
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = _disposition(disposition, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _chunks(content: Iterable) -> Iterator:
    yield from content


def _disposition(kind: str, filename: str) -> str:
    return content_disposition_header(kind == "attachment", filename) or kind


class ObjectListView(LoginRequiredMixin, View):
    """A list page that is nothing more: the selector's items under the filter form.

    Subclasses name ``template`` and ``filter_form`` and write ``items(request, filters)``
    (call the app's selector with ``filters``); ``extra_context`` adds to the page.
    """

    template: str
    filter_form: type[FilterForm] | None = None
    partial: str | None = "results"
    per_page = 50

    def items(self, request: HttpRequest, filters: dict) -> Any:
        raise NotImplementedError

    def extra_context(self, request: HttpRequest, filters: dict) -> dict:
        return {}

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.filter_form(request.GET) if self.filter_form else None
        values = form.values() if form is not None else {}
        return list_page(
            request,
            template=self.template,
            items=self.items(request, values),
            filters=form,
            context=self.extra_context(request, values),
            partial=self.partial,
            per_page=self.per_page,
        )


class ObjectDetailView(LoginRequiredMixin, View):
    """A page about one object: ``get_object`` asks the app's selector (``None`` is a 404),
    ``extra_context`` adds what the page shows beside it under ``context_name``."""

    template: str
    context_name = "object"

    def get_object(self, request: HttpRequest, **kwargs) -> Any:
        raise NotImplementedError

    def extra_context(self, request: HttpRequest, obj: Any) -> dict:
        return {}

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        obj = get_or_404(self.get_object(request, **kwargs))
        context = {self.context_name: obj, **self.extra_context(request, obj)}
        return render(request, self.template, context)
