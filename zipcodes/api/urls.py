"""API routes of the zipcodes app."""

app_name = "zipcodes"

urlpatterns: list = []
