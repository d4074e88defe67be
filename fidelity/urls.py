"""Every fidelity package's pages under one namespace, `fidelity:`."""

from fidelity.dashboards.urls import urlpatterns as dashboards
from fidelity.improvement.urls import urlpatterns as improvement
from fidelity.opendata.urls import urlpatterns as opendata
from fidelity.peer_review.urls import urlpatterns as peer_review
from fidelity.returns.urls import urlpatterns as returns
from fidelity.spreadsheets.urls import urlpatterns as spreadsheets

app_name = "fidelity"

# Spreadsheet paths ("returns/spreadsheet/...") come before nothing they could shadow: the returns
# patterns take only integer ids after "returns/".
urlpatterns: list = returns + improvement + peer_review + dashboards + spreadsheets + opendata
