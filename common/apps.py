from django import forms
from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self) -> None:
        from common.text import validate_visible_text

        # Every form text field, in every app and the admin, refuses invisible format
        # characters (common.text); fields with their own validators (email, URL, slug) keep them.
        forms.CharField.default_validators = [validate_visible_text]
