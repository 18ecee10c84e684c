"""A submission to the real server: gunicorn with the project's gunicorn.conf.py, and nginx with
the documented proxy settings in front (tests/test_proxy_hops.py's servers). The OpenRosa
specification requires HTTP/1.1 chunked request bodies, which the test client cannot send."""
from __future__ import annotations

import http.client
import secrets

from tests.test_proxy_hops import pytestmark, servers  # noqa: F401 - the fixture, and nginx's skip rule

from .conftest import instance_xml, multipart


def post_chunked(port: int, headers: dict[str, str], body: bytes, content_type: str) -> tuple[int, bytes]:
    """POST the body in 1 KB chunks (Transfer-Encoding: chunked), as Java's HTTP clients stream."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    chunks = (body[i:i + 1024] for i in range(0, len(body), 1024))
    connection.request("POST", "/openrosa/submission", body=chunks, encode_chunked=True,
                       headers={**headers, "Content-Type": content_type, "Transfer-Encoding": "chunked"})
    response = connection.getresponse()
    answer = response.status, response.read()
    connection.close()
    return answer


def test_a_chunked_submission_through_the_tls_proxy_hop_is_stored(servers, device):  # noqa: F811
    port, upstream = servers
    body, content_type = multipart([("xml_submission_file", "submission.xml", "text/xml",
                                     instance_xml(f"uuid:{secrets.token_hex(8)}"))])
    # gunicorn trusts one proxy hop (PROXY_HOPS=1): the proxy says the client came over TLS.
    status, answer = post_chunked(upstream, {**device.headers(), "X-Forwarded-Proto": "https"}, body, content_type)
    assert status == 201 and b"submit_success" in answer
    # Through the test's nginx, which listens on plain HTTP and says so: refused, no challenge.
    status, answer = post_chunked(port, device.headers(), body, content_type)
    assert status == 403 and b"HTTPS" in answer
