"""API routes of the zipcodes app."""

from django.urls import path

from zipcodes.api.views import ZipcodeDetailApi, ZipcodeListApi

app_name = "zipcodes"

urlpatterns = [
    path("zipcodes/", ZipcodeListApi.as_view(), name="list"),
    path("zipcodes/<str:zipcode>", ZipcodeDetailApi.as_view(), name="detail"),
]
