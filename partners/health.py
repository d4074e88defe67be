"""Can we reach the message broker? Used by /healthz."""

import redis
from kombu import Connection


def broker_status(url: str, timeout: float = 2.0) -> str:
    """'eager' with no broker configured, else 'ok' or 'down'."""
    if not url:
        return "eager"
    try:
        if url.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(
                url, socket_connect_timeout=timeout, socket_timeout=timeout
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            with Connection(url, connect_timeout=timeout) as conn:
                conn.ensure_connection(max_retries=1)
    except Exception:
        return "down"
    return "ok"
