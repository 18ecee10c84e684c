"""A fake self-hosted Nominatim, Photon and Pelias on 127.0.0.1, for the self-hosted path's tests."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

KASHGAR_NOMINATIM = {
    "place_id": 1, "osm_type": "relation", "osm_id": 3407411, "lat": "39.4704", "lon": "75.9897",
    "name": "Kashgar", "display_name": "Kashgar, Xinjiang, China", "addresstype": "city",
    "importance": 0.8, "address": {"city": "Kashgar", "state": "Xinjiang", "country_code": "cn"},
}
KASHGAR_PHOTON = {
    "type": "Feature", "geometry": {"type": "Point", "coordinates": [75.9897, 39.4704]},
    "properties": {"osm_type": "R", "osm_id": 3407411, "name": "Kashgar", "countrycode": "CN",
                   "state": "Xinjiang", "type": "city"},
}
KASHGAR_PELIAS = {
    "type": "Feature", "geometry": {"type": "Point", "coordinates": [75.9897, 39.4704]},
    "properties": {"gid": "whosonfirst:locality:102027363", "layer": "locality", "name": "Kashgar",
                   "country_a": "CHN", "region": "Xinjiang", "confidence": 0.9,
                   "label": "Kashgar, Xinjiang, China"},
}


class FakeGeocoderServer:
    """Answers /search (Nominatim), /api (Photon) and /v1/search (Pelias); can fail on demand."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.mode = "ok"  # "ok", "empty" or "error"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The server's base URL."""
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeGeocoderServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                fake.requests.append((parts.path, parse_qs(parts.query)))
                if fake.mode == "error":
                    self.send_error(500)
                    return
                body = fake.answer(parts.path)
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                """Keep test output quiet."""

        return Handler

    def answer(self, path: str) -> object:
        """The JSON body for a path in the current mode."""
        empty = self.mode == "empty"
        if path == "/search":
            return [] if empty else [KASHGAR_NOMINATIM]
        if path == "/reverse":
            return {"error": "Unable to geocode"} if empty else KASHGAR_NOMINATIM
        if path.endswith("/search") or path.endswith("/reverse"):  # Pelias /v1/...
            return {"type": "FeatureCollection", "features": [] if empty else [KASHGAR_PELIAS]}
        return {"type": "FeatureCollection", "features": [] if empty else [KASHGAR_PHOTON]}
