"""API routes of the mlmodels app."""

app_name = "mlmodels"

urlpatterns: list = []
