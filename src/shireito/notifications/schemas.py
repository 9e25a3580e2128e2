import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from shireito.core.pagination import MAX_ID
from shireito.notifications import registry
from shireito.notifications.choices import EmailPreference


class NotificationFilters(Schema):
    unread: bool = Field(False, description="Only notifications not read yet")
    app: str = Field("", description="Only one app's (incidents, plans, cocreation …)")


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="What happened, namespaced by app: incidents.received …")
    text: str = Field(description="In the language asked (Accept-Language)")
    link: str = Field(description="The path on this site the notification leads to")
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_text(obj) -> str:
        return registry.text(obj)

    @staticmethod
    def resolve_link(obj) -> str:
        return registry.link(obj)


class NotificationsReadIn(Schema):
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        None, max_length=1000, description="The notifications to mark; none: all of mine"
    )
    app: str = Field("", max_length=40, description="Only one app's")


class NotificationsReadOut(Schema):
    changed: int


class NotificationPreferenceIo(Schema):
    email: EmailPreference = Field(
        description="immediate: each one as it happens; digest: one daily digest; none"
    )


class NotificationCountOut(Schema):
    unread: int
