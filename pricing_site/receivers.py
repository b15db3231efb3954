"""Clear cached API clients when their token or user changes; align staff groups after migrate."""

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver
from rest_framework.authtoken.models import Token

from pricing_site.caching import api_client_cache_clear
from pricing_site.services import staff_groups_ensure

User = get_user_model()


@receiver([post_save, post_delete], sender=Token)
def token_changed(sender: type, instance: Token, **kwargs: Any) -> None:
    api_client_cache_clear(token_keys=[instance.key])


@receiver([post_save, post_delete], sender=User)
def user_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    api_client_cache_clear(
        token_keys=list(Token.objects.filter(user_id=instance.pk).values_list("key", flat=True))
    )


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
