"""Deployment settings (issue 16, item 7): TLS behind a proxy makes cookies Secure and sends HSTS
only when the configured hop says so; Onion-Location; the documented nginx and torrc samples
are valid for the programs they configure."""
from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import make_test_app
from tracker.config import ConfigurationError

ROOT = Path(__file__).resolve().parent.parent
ONION = "http://" + "a" * 56 + ".onion"


def _behind_proxy(app, proto: str):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.5",
                                "HTTP_X_FORWARDED_PROTO": proto})
    return client


@pytest.mark.parametrize("app_config", [{"PROXY_HOPS": 1, "ONION_LOCATION": ONION}])
def test_tls_at_the_proxy_makes_cookies_secure_and_sends_hsts_and_onion_location(app):
    response = _behind_proxy(app, "https").get("/receipt")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Onion-Location"] == ONION + "/receipt"
    plain = _behind_proxy(app, "http").get("/receipt")
    assert "Strict-Transport-Security" not in plain.headers and "Secure" not in plain.headers["Set-Cookie"]
    assert "Onion-Location" not in plain.headers  # the onion itself, or plain HTTP: nothing to offer


@pytest.mark.parametrize("app_config", [{"ONION_LOCATION": ONION}])
def test_without_a_configured_hop_a_claimed_https_changes_nothing(app):
    response = _behind_proxy(app, "https").get("/receipt")
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"] and "Onion-Location" not in response.headers


@pytest.mark.parametrize("onion", ["https://tracker.example.org", "http://x.onion/path", "x.onion", "ftp://a.onion"])
def test_a_wrong_onion_location_is_refused_at_start(tmp_path, onion):
    with pytest.raises(ConfigurationError, match="ONION_LOCATION"):
        make_test_app(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}", ONION_LOCATION=onion)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tracker.example.org")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    chain, private = folder / "fullchain.pem", folder / "privkey.pem"
    chain.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return chain, private


@pytest.mark.skipif(not Path("/usr/sbin/nginx").exists(), reason="nginx is not installed")
def test_the_nginx_sample_is_valid(tmp_path):
    chain, private = _self_signed(tmp_path)
    sample = (ROOT / "docs/deploy/nginx-tls.conf").read_text()
    sample = (sample.replace("/etc/letsencrypt/live/tracker.example.org/fullchain.pem", str(chain))
              .replace("/etc/letsencrypt/live/tracker.example.org/privkey.pem", str(private))
              .replace("/var/log/nginx/tracker-error.log", str(tmp_path / "error.log")))
    (tmp_path / "site.conf").write_text(sample)
    (tmp_path / "nginx.conf").write_text(f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/e.log;\n"
                                         f"events {{}}\nhttp {{ include {tmp_path}/site.conf; }}\n")
    checked = subprocess.run(["/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],  # noqa: S603
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.skipif(shutil.which("tor") is None, reason="tor is not installed (apt-get install tor)")
def test_the_torrc_sample_is_valid(tmp_path):
    service = tmp_path / "service"
    service.mkdir(mode=0o700)
    sample = (ROOT / "docs/deploy/torrc").read_text().replace("/var/lib/tor/tracker/", f"{service}/")
    (tmp_path / "torrc").write_text(sample.replace("Log notice syslog", "Log notice stdout")
                                    + f"\nDataDirectory {tmp_path / 'data'}\n")
    checked = subprocess.run([shutil.which("tor"), "--verify-config", "-f", str(tmp_path / "torrc")],  # noqa: S603
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and "Configuration was valid" in checked.stdout, checked.stdout[-2000:]
