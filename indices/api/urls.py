"""API routes of the indices app."""

app_name = "indices"

urlpatterns: list = []
