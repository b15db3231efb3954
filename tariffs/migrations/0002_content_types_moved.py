"""Carry the moved models' content types over to the tariffs app, so that the permissions that
groups and API clients hold (now `tariffs.add_quote`...) and the admin history stay theirs."""

from django.db import migrations

MOVED = {
    "strategies": ("tariffversion", "quote", "impactanalysis"),
    "zipcodes": ("zoningproposal", "zoningproposalzipcode"),
    "mlmodels": ("tariffevaluation",),
}


def content_types_move(apps, schema_editor, *, moves):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    for source, target, model in moves:
        old = ContentType.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue  # a new database: Django creates the content types after migrating
        new = ContentType.objects.filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Both exist (created by an earlier run): the holders of each old permission get the
        # new one of the same codename, the history moves, and the old content type goes.
        for permission in Permission.objects.filter(content_type=old):
            twin = Permission.objects.filter(content_type=new, codename=permission.codename).first()
            if twin is None:
                permission.content_type = new
                permission.save(update_fields=["content_type"])
                continue
            twin.group_set.add(*permission.group_set.all())
            twin.user_set.add(*permission.user_set.all())
            permission.delete()
        LogEntry.objects.filter(content_type=old).update(content_type=new)
        old.delete()


def forwards(apps, schema_editor):
    moves = [(app, "tariffs", model) for app, models in MOVED.items() for model in models]
    content_types_move(apps, schema_editor, moves=moves)


def backwards(apps, schema_editor):
    moves = [("tariffs", app, model) for app, models in MOVED.items() for model in models]
    content_types_move(apps, schema_editor, moves=moves)


class Migration(migrations.Migration):
    dependencies = [
        ("tariffs", "0001_models_moved_from_domain_apps"),
        ("strategies", "0010_tariff_models_moved_to_tariffs"),
        ("zipcodes", "0005_zoning_proposals_moved_to_tariffs"),
        ("mlmodels", "0008_tariff_evaluations_moved_to_tariffs"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
