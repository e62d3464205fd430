"""Self-signed certificates for the test servers (and for a server of the wrong name)."""

from __future__ import annotations

import ipaddress
import subprocess
from collections.abc import Sequence
from pathlib import Path


class CertificateError(RuntimeError):
    """openssl could not make the certificate."""


def make_certificate(
    cert_file: Path, key_file: Path, names: Sequence[str] = ("localhost", "127.0.0.1")
) -> None:
    """A self-signed certificate for `names` (host names or IP addresses), its key 0600."""
    alt = ",".join(f"{'IP' if _is_ip(name) else 'DNS'}:{name}" for name in names)
    # keyUsage/extendedKeyUsage keep it acceptable to strict verifiers (Python 3.13 turns on
    # VERIFY_X509_STRICT).
    cmd = [
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
        "-days", "30",
        "-subj", f"/CN={names[0]}",
        "-addext", f"subjectAltName={alt}",
        "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
        "-addext", "extendedKeyUsage=serverAuth",
        "-keyout", str(key_file),
        "-out", str(cert_file),
    ]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CertificateError(f"openssl req failed: {result.stderr.strip()}")
    key_file.chmod(0o600)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
