"""Serializers of the zipcode API."""

from rest_framework import serializers

from zipcodes.models import Zipcode


class ZipcodeRiskOutputSerializer(serializers.Serializer):
    zipcode = serializers.IntegerField(source="code")
    risk_class = serializers.CharField()
    factor = serializers.DecimalField(max_digits=4, decimal_places=2)
    municipality = serializers.CharField()


class ZipcodeOutputSerializer(serializers.ModelSerializer):
    zipcode = serializers.IntegerField(source="code")
    risk_class = serializers.CharField(source="risk_class_id")
    factor = serializers.DecimalField(source="risk_class.factor", max_digits=4, decimal_places=2)

    class Meta:
        model = Zipcode
        fields = ["zipcode", "risk_class", "factor", "municipality", "province"]
