"""API routes of the strategies app."""

app_name = "strategies"

urlpatterns: list = []
