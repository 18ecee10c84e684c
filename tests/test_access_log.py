"""The development server's log keeps its banner but never a client address or request line."""
from __future__ import annotations

import logging
import threading
import urllib.request

from werkzeug.serving import make_server


def test_werkzeug_logs_no_client_lines(app, caplog):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            logging.getLogger("werkzeug").info(" * Running on http://127.0.0.1:%d", server.port)
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.port}/?canary=QUERYCANARY", headers={"User-Agent": "UACANARY"})
            urllib.request.urlopen(request).read()  # noqa: S310 - loopback test server
    finally:
        server.shutdown()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Running on" in text
    for canary in ("127.0.0.1 - -", "QUERYCANARY", "UACANARY", "GET /"):
        assert canary not in text
