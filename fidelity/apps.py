from django.apps import AppConfig


class FidelityConfig(AppConfig):
    name = "fidelity"

    def ready(self) -> None:
        from fidelity.dashboards import data_version

        data_version.connect()
