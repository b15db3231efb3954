"""Clear cached API clients when their key or user changes; write keys' last use; align staff
groups after migrate."""

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.signals import request_finished
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from pricing_site.caching import api_client_cache_clear
from pricing_site.models import ApiKey
from pricing_site.services import api_keys_last_used_write, staff_groups_ensure

User = get_user_model()


@receiver([post_save, post_delete], sender=ApiKey)
def api_key_changed(sender: type, instance: ApiKey, **kwargs: Any) -> None:
    api_client_cache_clear(prefixes=[instance.prefix])


@receiver([post_save, post_delete], sender=User)
def user_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    api_client_cache_clear(
        prefixes=list(ApiKey.objects.filter(client_id=instance.pk).values_list("prefix", flat=True))
    )


@receiver(request_finished)
def request_finished_keys_used(sender: Any, **kwargs: Any) -> None:
    # After the answer is sent: the client never waits for this write.
    api_keys_last_used_write()


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
def user_permissions_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, User):
        user_changed(sender=User, instance=instance)


@receiver(post_migrate)
def groups_after_migrate(sender: Any, app_config: Any, **kwargs: Any) -> None:
    # post_migrate is sent once per app that has models, in order: after the last one, every
    # app's permissions exist.
    last_app_with_models = [config for config in apps.get_app_configs() if config.models_module][-1]
    if app_config is last_app_with_models:
        staff_groups_ensure()
