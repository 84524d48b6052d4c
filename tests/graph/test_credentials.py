"""The bot's identity towards Graph: the azure-identity credential the settings ask for."""

from __future__ import annotations

import datetime
from pathlib import Path

from azure.identity.aio import (
    CertificateCredential,
    ClientSecretCredential,
    ManagedIdentityCredential,
)
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from graph.config import GraphConfig
from graph.credentials import make_credential

APP = {"tenant_id": "contoso.onmicrosoft.com", "client_id": "11111111-2222-3333-4444-555555555555"}


def self_signed_pem(path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Stora ärenden test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256())
    )  # fmt: skip
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(key_pem + cert.public_bytes(serialization.Encoding.PEM))
    return path


async def test_each_kind_gets_its_credential(tmp_path: Path) -> None:
    pem = self_signed_pem(tmp_path / "bot.pem")
    kinds = {
        "secret": (GraphConfig(**APP, client_secret="s"), ClientSecretCredential),
        "certificate": (GraphConfig(**APP, certificate_path=str(pem)), CertificateCredential),
        "managed-identity": (GraphConfig(), ManagedIdentityCredential),
        "user-assigned": (GraphConfig(client_id=APP["client_id"]), ManagedIdentityCredential),
    }
    for name, (config, kind) in kinds.items():
        assert not config.problems(), name
        credential = make_credential(config)
        assert isinstance(credential, kind), name
        await credential.close()


def test_an_explicit_kind_wins_over_what_is_set() -> None:
    config = GraphConfig(**APP, client_secret="s", credential="managed-identity")
    assert config.credential_kind == "managed-identity"
    assert "AZURE_CLIENT_CERTIFICATE_PATH" in " ".join(
        GraphConfig(**APP, credential="certificate").problems()
    )
