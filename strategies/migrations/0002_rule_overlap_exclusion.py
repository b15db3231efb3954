"""Refuse overlapping active rules for the same brand and fuel in PostgreSQL itself."""

from django.db import migrations

EXCLUSION = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE strategies_pricingrule ADD CONSTRAINT strategies_rule_no_overlap
EXCLUDE USING gist (
    COALESCE(brand_id, 0) WITH =,
    fuel WITH =,
    daterange(valid_from, valid_to, '[]') WITH &&
) WHERE (is_active);
"""
DROP = "ALTER TABLE strategies_pricingrule DROP CONSTRAINT strategies_rule_no_overlap;"


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        # The embedded SQLite default has no exclusion constraints; the model's clean() and the
        # service check overlaps there.
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("strategies", "0001_initial")]

    operations = [migrations.RunPython(run_on_postgresql(EXCLUSION), run_on_postgresql(DROP))]
