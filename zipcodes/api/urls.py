"""API routes of the zipcodes app, under /api/v1/zipcodes/."""

from django.urls import path

from zipcodes.api.views import ZipcodeDetailApi, ZipcodeListApi

app_name = "zipcodes"

urlpatterns = [
    path("", ZipcodeListApi.as_view(), name="list"),
    path("<str:zipcode>", ZipcodeDetailApi.as_view(), name="detail"),
]
