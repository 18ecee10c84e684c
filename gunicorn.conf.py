"""gunicorn settings for the tracker: no access log, no server name, loopback by default.

Run with `gunicorn -c gunicorn.conf.py 'tracker:create_app()'` behind a TLS reverse proxy.
"""
import gc
import os

import gunicorn.http.wsgi

bind = os.environ.get("TRACKER_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TRACKER_WORKERS", "4"))
# No access log: it would record every client's address (DESIGN §2). Errors still go to stderr.
accesslog = None
errorlog = "-"
loglevel = "warning"
# A killed or stuck worker is replaced; the master keeps the socket, so clients see no outage.
# The app is loaded once in the master (it opens no connection while loading), so a new worker
# is a fork that serves at once instead of re-importing everything.
preload_app = True
timeout = 30
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
# Small request limits: the report form's bodies are bounded by MAX_CONTENT_LENGTH anyway.
limit_request_line = 8190
limit_request_fields = 100
# gunicorn would name itself in a "Server" header; a blank value says nothing about the stack.
gunicorn.http.wsgi.SERVER = ""
# gunicorn would believe X-Forwarded-Proto from any loopback peer, and an onion service's Tor
# daemon is one: every visitor could claim HTTPS. The app alone reads forwarded headers, for
# exactly TRACKER_PROXY_HOPS proxies (tracker/limits.py, README "Deployment").
forwarded_allow_ips = ""
secure_scheme_headers = {}


def when_ready(server):
    """Refuse to serve with per-worker rate limits: with the default in-memory storage each worker
    counts on its own, so with N workers every limit (submissions, receipt checks, logins) is N
    times looser than configured. Run Redis (TRACKER_RATELIMIT_STORAGE_URI=redis://...) or one
    worker. Called before any worker is forked."""
    app = server.app.wsgi()
    if "limiter" not in getattr(app, "extensions", {}):
        return  # not the tracker (a benchmark's bare app): no limits to split
    config = app.config
    per_worker = str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://")
    if per_worker and config.get("RATELIMIT_ENABLED", True) and server.cfg.workers > 1:
        server.halt(reason=f"{server.cfg.workers} workers with in-memory rate limits would make every limit "
                           f"{server.cfg.workers} times looser: set TRACKER_RATELIMIT_STORAGE_URI to a Redis "
                           "URL, or TRACKER_WORKERS=1", exit_status=1)
    # The app sets its pages up when first needed (tracker/pages.py): do it here, once, so each
    # forked worker serves its first request at once, as the preloaded app is meant to.
    if hasattr(app, "load_pages"):
        app.load_pages()
        # The offline gazetteer too (173,000 names; ~0.8 s of CPU and ~100 MB to load). Loaded
        # lazily, every worker loaded its own copy on its first report, and again each time
        # max_requests replaced it: ~0.4 ms of CPU a submission, averaged, and a second's wait
        # for whoever sent that report (issue 17, item 4). Loaded here, every worker shares the
        # master's copy (pre_fork freezes it, so no collection writes to its pages).
        from tracker.geo import warm_up

        warm_up()


def pre_fork(server, worker):
    """Move everything the master has loaded (the app, its pages, the gazetteer: about 200,000
    objects) out of the garbage collector's sight before each worker is forked from it.

    They live as long as the process, so scanning them finds nothing, yet each full collection
    in a worker walked all of them: about 130 ms, once every thousand or so requests, landing on
    whichever request was running. Frozen, a worker's collections see only what it made itself
    (issue 17, item 4), and the forked pages stay shared with the master instead of being copied
    when a collection writes to their headers (the practice the gc module's documentation gives
    for servers that fork).
    """
    gc.freeze()
