from .dashboard_urls import urlpatterns as dashboard_urlpatterns

app_name = "fidelity"

# Returns, review and the home panel (fidelity/views.py), then the dashboards.
urlpatterns: list = [] + dashboard_urlpatterns
