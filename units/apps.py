from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Đơn vị"

    def ready(self):
        from units import lookups

        lookups.register()
