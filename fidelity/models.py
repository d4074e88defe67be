"""Django loads the app's models from here; each lives in the package that owns it.

One app label, `fidelity`, keeps every table name and migration as it was.
"""

from fidelity.dashboards import models as dashboards  # noqa: F401
from fidelity.frameworks import models as frameworks  # noqa: F401
from fidelity.improvement import models as improvement  # noqa: F401
from fidelity.measures import models as measures  # noqa: F401
from fidelity.opendata import models as opendata  # noqa: F401
from fidelity.peer_review import models as peer_review  # noqa: F401
from fidelity.returns import models as returns  # noqa: F401
