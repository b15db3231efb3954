"""Query-string filters of the zipcode list."""

import django_filters

from zipcodes.models import RiskClass, Zipcode


class ZipcodeFilter(django_filters.FilterSet):
    risk_class = django_filters.ModelChoiceFilter(
        queryset=RiskClass.objects.all(), help_text="Only zipcodes of this risk class (A, B or C)."
    )

    class Meta:
        model = Zipcode
        fields = ["risk_class"]
