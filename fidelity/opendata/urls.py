from django.urls import path

from . import views

_PACK = "open-data/<slug:pilot_slug>/<slug:quarter_slug>/v<int:version>/"

urlpatterns: list = [
    path("open-data/", views.open_data_list, name="open_data_list"),
    path("open-data/manage/", views.open_data_manage, name="open_data_manage"),
    path(_PACK, views.open_data_pack, name="open_data_pack"),
    path(f"{_PACK}<str:name>", views.open_data_file, name="open_data_file"),
]
