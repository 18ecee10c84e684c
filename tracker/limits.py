"""Rate limits, keyed without keeping anyone's address, and who the client is behind proxies.

Client identity: the address comes from the socket, or from X-Forwarded-For/-Proto only for the
configured number of trusted proxy hops (PROXY_HOPS, applied by werkzeug's ProxyFix); with 0
hops the headers are ignored, so nobody can pick the address the limits see. Addresses in
SHARED_CLIENT_NETWORKS (loopback by default: the Tor daemon of an onion service, or a proxy whose
hop was not configured) belong to many people at once and never key a per-client limit: one
attacker behind them must not lock out everyone else (issue 16, item 2).

The limiter's default key is the address itself, which would then sit in memory or Redis. Here
the key is a keyed digest of the address that changes every day, so a limit still applies to one
client while no address, or anything that links one day's traffic to the next, is kept
(DESIGN §2).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse
from limits.storage import RedisStorage, Storage, storage_from_string
from limits.strategies import STRATEGIES, RateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

from .crypto import get_sealer

SHARED = "shared"


def client_address() -> str | None:
    """The client's own address, or None when it is shared by many people (or unknown)."""
    address = request.remote_addr
    if not address:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    networks = current_app.extensions["tracker.shared_networks"]
    return None if any(parsed in network for network in networks) else address


def client_key() -> str:
    """A per-day keyed digest of the client address ("shared" for a shared one); never the address."""
    address = client_address()
    if address is None:
        return SHARED
    return get_sealer().token_digest("ratelimit-client", f"{date.today().isoformat()}|{address}")[:32]


# Like every Flask extension object, this holds no app or connection until init_app.
limiter = Limiter(key_func=client_key, default_limits=[], headers_enabled=False)


def enabled() -> bool:
    """Whether this app applies rate limits (tests and benchmarks may turn them off)."""
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def counters() -> Storage:
    """This app's counter storage (memory, or Redis shared by several servers).

    Kept per app, and present even when route limits are off, so per-account login locks keep
    working and never fail on a missing storage (issue 16, item 5: a 500 on staff login).
    """
    return current_app.extensions["tracker.counters"]


def admit(checks: Sequence[tuple[str, str, str]]) -> bool:
    """Count one request against every (limit, scope, key) if all still have room; else count none.

    Nothing is counted for a refused request, so a client hammering its own exhausted budget does
    not also drain the budget everyone shares (the global ceiling).
    """
    if not enabled():
        return True
    strategy: RateLimiter = current_app.extensions["tracker.rate_strategy"]
    items = [(_parsed(limit), scope, key) for limit, scope, key in checks]
    script = current_app.extensions.get("tracker.admit_script")
    if script is not None:  # Redis: the same test and count, atomically, in one round trip
        keys = [strategy.storage.prefixed_key(item.key_for(scope, key)) for item, scope, key in items]
        return bool(script(keys=keys, args=[n for item, _, _ in items for n in (item.amount, item.get_expiry())]))
    if not all(strategy.test(item, scope, key) for item, scope, key in items):
        return False
    return all([strategy.hit(item, scope, key) for item, scope, key in items])


# admit() for the fixed window on one Redis server: KEYS are the budgets' counters, ARGV each one's
# limit and window in seconds, in turn. Counted like FixedWindowRateLimiter's test() and hit()
# (a new counter expires with its window), but no other request can fall between them.
ADMIT_SCRIPT = """
for i = 1, #KEYS do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[2 * i - 1]) then return 0 end
end
for i = 1, #KEYS do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[2 * i]) end
end
return 1
"""


@lru_cache(maxsize=64)
def _parsed(limit: str) -> RateLimitItem:
    """A limit string ("10 per hour") parsed once, not on every request."""
    return parse(limit)


def _shared_networks(app: Flask) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """SHARED_CLIENT_NETWORKS as networks (a string may list them separated by commas)."""
    configured = app.config.get("SHARED_CLIENT_NETWORKS") or ()
    if isinstance(configured, str):
        configured = [part for part in configured.split(",") if part.strip()]
    return tuple(ipaddress.ip_network(str(network).strip(), strict=False) for network in configured)


def init_app(app: Flask) -> None:
    """Trust PROXY_HOPS proxies, bind the limiter; storage comes from RATELIMIT_STORAGE_URI."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    # Explicit, or Flask-Limiter's one shared object would carry another app's "off" over.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    hops = int(app.config.get("PROXY_HOPS", 0) or 0)
    if hops > 0:
        # Only the last ``hops`` entries of X-Forwarded-For/-Proto were written by our own
        # proxies; anything before them is whatever the client chose to send.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
    app.extensions["tracker.shared_networks"] = _shared_networks(app)
    storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["tracker.counters"] = storage
    strategy_name = app.config.get("RATELIMIT_STRATEGY", "fixed-window")
    app.extensions["tracker.rate_strategy"] = STRATEGIES[strategy_name](storage)
    if type(storage) is RedisStorage and strategy_name == "fixed-window":  # not a cluster: keys on one node
        app.extensions["tracker.admit_script"] = storage.get_connection().register_script(ADMIT_SCRIPT)
    limiter.init_app(app)
