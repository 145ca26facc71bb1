"""Which options reach an engine session.

A pool of engine sessions holds one engine; arguments that only mean something for a socket
(``host``, ``port``, TLS...) are accepted and dropped, so they can never split or merge data.
"""

from __future__ import annotations

from typing import Any

from redis.maint_notifications import MaintNotificationsConfig

from .engine import Engine

# Arguments that only mean something for a socket; an in-process engine ignores them.
NETWORK_ONLY = frozenset(
    {
        "host",
        "port",
        "path",
        "unix_socket_path",
        "socket_keepalive",
        "socket_keepalive_options",
        "socket_type",
        "ssl",
        "ssl_keyfile",
        "ssl_certfile",
        "ssl_cert_reqs",
        "ssl_ca_certs",
        "ssl_ca_data",
        "ssl_ca_path",
        "ssl_check_hostname",
        "ssl_password",
        "ssl_min_version",
        "ssl_ciphers",
        "ssl_include_verify_flags",
        "ssl_exclude_verify_flags",
        "ssl_validate_ocsp",
        "ssl_validate_ocsp_stapled",
        "ssl_ocsp_context",
        "ssl_ocsp_expected_cert",
    }
)


def embedded_connection_kwargs(engine: Engine | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of a pool of engine sessions: the engine (a fresh one if none),
    maintenance notifications off (they concern server fail-overs), network options dropped."""
    if engine is not None and not isinstance(engine, Engine):
        raise TypeError(
            f"engine must be a vermilion.Engine, not {type(engine).__name__!r}; "
            "for a Redis server use redis.Redis or vermilion.Redis.from_url"
        )
    prepared = {key: value for key, value in kwargs.items() if key not in NETWORK_ONLY}
    prepared["engine"] = engine if engine is not None else Engine()
    prepared.setdefault("maint_notifications_config", MaintNotificationsConfig(enabled=False))
    return prepared
