"""The shared input serializers: each instance validates with fields bound to itself."""

from rest_framework import serializers

from pricing_site.api import JsonInputSerializer


class DriverInputSerializer(JsonInputSerializer):
    age = serializers.IntegerField(min_value=17)


class QuoteInputSerializer(JsonInputSerializer):
    zipcode = serializers.IntegerField()
    driver = DriverInputSerializer()
    tags = serializers.ListField(child=serializers.CharField())


def test_input_serializers_bind_their_own_copies_of_the_declared_fields():
    # Something read the declared nested serializer's fields before (the schema generator may).
    assert QuoteInputSerializer._declared_fields["driver"].fields["age"].context == {}
    first = QuoteInputSerializer(data={}, context={"request": 1})
    second = QuoteInputSerializer(data={}, context={"request": 2})

    assert first.fields["zipcode"] is not second.fields["zipcode"]
    assert first.fields["driver"].fields["age"].context == {"request": 1}
    assert second.fields["driver"].fields["age"].context == {"request": 2}
    assert second.fields["tags"].child.context == {"request": 2}
