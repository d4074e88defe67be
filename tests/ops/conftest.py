"""The backup tests restore the security tests' world: one object of every kind in each of two
pilots, so a restore that drops a kind, or an export that takes another pilot's rows, shows."""

from tests.security.conftest import secure_world  # noqa: F401 (a fixture, used by its name)
