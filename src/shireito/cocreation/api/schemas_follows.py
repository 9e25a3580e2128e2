from ninja import Field, Schema

from shireito.cocreation.choices import FollowKind


class CocreationFollowIn(Schema):
    kind: FollowKind
    key: str = Field(
        min_length=1,
        max_length=100,
        description="A space's short name, a thread's id, a system's code …",
    )


class CocreationFollowOut(Schema):
    kind: str
    key: str
    label: str = Field(description="What is followed, named as the reader sees it")
    url: str


class CocreationUnfollowOut(Schema):
    removed: bool
