"""The published plan for everyone, without signing in, under /priority-plan/, and its open
data under /open-data/plan/."""

app_name = "plans_public"

urlpatterns: list = []
