"""Search and related threads over the API: the same selectors as the pages, so the same
scoping (spaces the reader reads; drafts and hidden posts only their author's)."""

from ninja import Query

from shireito.cocreation.api.common import router
from shireito.cocreation.api.proposals import space_or_404
from shireito.cocreation.schemas_finding import (
    CocreationRelatedThreadOut,
    CocreationSearchFilters,
    CocreationSearchOut,
)
from shireito.cocreation.selectors.related import related_threads
from shireito.cocreation.selectors.search import SearchFilters, search
from shireito.cocreation.selectors.spaces import spaces_for
from shireito.cocreation.selectors.threads import thread_get
from shireito.core.pages import get_or_404, id_or_404
from shireito.organizations.selectors import organization_get


@router.get(
    "/search",
    response=CocreationSearchOut,
    operation_id="cocreation_search",
    summary="Find thread titles, posts, official answers and attachments' names (Japanese or "
    "English), best match first, 20 a page",
)
def cocreation_search(request, filters: Query[CocreationSearchFilters]):
    user = request.auth
    wanted = SearchFilters(
        kind=filters.kind or "", answered=filters.answered, official_only=filters.official
    )
    query = filters.q
    if filters.space:
        space = spaces_for(user).filter(slug=filters.space).first()
        wanted.space_id = space.pk if space else None
        query = query if space else ""
    if filters.organization:
        organization = organization_get(user=user, code=filters.organization)
        wanted.organization_id = organization.pk if organization else None
        query = query if organization else ""
    found = search(user, query, wanted, page=filters.page)
    return {
        "page": found.page,
        "has_next": found.has_next,
        "hits": [
            {
                "kind": hit.kind,
                "thread": hit.thread.pk,
                "thread_title": hit.thread.title,
                "thread_kind": hit.thread.kind,
                "space": hit.thread.space.slug,
                "post": hit.post_id,
                "organization": hit.answer.organization.code if hit.answer else None,
                "snippet": str(hit.snippet),
            }
            for hit in found.hits
        ],
    }


@router.get(
    "/spaces/{space}/threads/{thread}/related",
    response=list[CocreationRelatedThreadOut],
    operation_id="cocreation_threads_related",
    summary="Up to five threads sharing links with this one, most shared links first",
)
def cocreation_threads_related(request, space: str, thread: int):
    found = get_or_404(thread_get(request.auth, space_or_404(request, space), id_or_404(thread)))
    return related_threads(request.auth, found)
