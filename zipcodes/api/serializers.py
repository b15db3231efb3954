"""Serializers of the zipcode API."""

from rest_framework import serializers

from pricing_site.api import PageInputSerializer
from zipcodes.models import MAX_CLASSES, Zipcode, class_codes


class ZipcodeListInputSerializer(PageInputSerializer):
    risk_class = serializers.ChoiceField(
        choices=class_codes(MAX_CLASSES),
        required=False,
        help_text="Only zipcodes of this risk class (A lowest risk).",
    )


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
