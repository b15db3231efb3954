"""The API tokens issued before keys were hashed (DRF's authtoken table, in clear) become API keys
stored as their first 8 characters and a SHA-512 hash: their clients keep working, unchanged,
and the clear table is dropped. They expire like new keys, a year from this migration."""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from rest_framework_api_key.crypto import KeyGenerator, concatenate

LEGACY_TABLE = "authtoken_token"
LEGACY_PREFIX_LENGTH = 8  # as pricing_site.selectors reads a key without a dot


def legacy_tokens_hash(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return  # a database created after keys were hashed
    api_key_model = apps.get_model("pricing_site", "ApiKey")
    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    generator = KeyGenerator()
    expiry = timezone.now() + datetime.timedelta(days=settings.PRICING_API_KEY_LIFETIME_DAYS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id FROM authtoken_token")  # a fixed query, no input
        tokens = cursor.fetchall()
    names = dict(user_model.objects.values_list("pk", "username"))
    for key, user_id in tokens:
        prefix = key[:LEGACY_PREFIX_LENGTH]
        hashed_key = generator.hash(key)
        api_key_model.objects.create(
            id=concatenate(prefix, hashed_key),
            prefix=prefix,
            hashed_key=hashed_key,
            name=names.get(user_id, "")[:50],
            client_id=user_id,
            expiry_date=expiry,
        )
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(LEGACY_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("pricing_site", "0001_api_keys")]

    operations = [migrations.RunPython(legacy_tokens_hash, migrations.RunPython.noop)]
