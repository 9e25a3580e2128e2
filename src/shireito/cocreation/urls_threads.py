"""The thread pages' routes: a new thread, a thread and its posts, replying, editing, history,
drafts, reactions and files."""

from django.urls import path

from shireito.cocreation.views import threads

T = "<slug:space>/threads/<int:thread>/"
P = T + "posts/<int:post>/"

urlpatterns = [
    path("me/drafts/", threads.drafts, name="drafts"),
    path("<slug:space>/threads/new/", threads.thread_new, name="thread_new"),
    path(T, threads.thread_detail, name="thread"),
    path(T + "posts/", threads.thread_posts, name="thread_posts"),
    path(T + "reply/", threads.post_new, name="post_new"),
    path(P + "edit/", threads.post_edit_page, name="post_edit"),
    path(P + "history/", threads.post_history, name="post_history"),
    path(P + "publish/", threads.draft_publish_page, name="draft_publish"),
    path(P + "react/", threads.post_react, name="post_react"),
    path(P + "files/new/", threads.attachment_new, name="attachment_new"),
    path(P + "files/<int:attachment>/", threads.attachment_download, name="attachment"),
]
