"""The bot's identity towards Microsoft Graph, through azure-identity.

Three kinds, chosen by ``GraphConfig.credential_kind``:

- ``secret``: an app registration's client secret (``ClientSecretCredential``);
- ``certificate``: the same app with a certificate (``CertificateCredential``),
  what SharePoint itself asks of app-only callers and the safer choice;
- ``managed-identity``: the Azure resource's own identity, no secret at all
  (``ManagedIdentityCredential``; ``AZURE_CLIENT_ID`` picks a user-assigned one).

All are the asynchronous variants: the bot runs on one event loop.
"""

from __future__ import annotations

from azure.core.credentials_async import AsyncTokenCredential

from .config import GraphConfig


def make_credential(config: GraphConfig) -> AsyncTokenCredential:
    # Imported here: azure.identity.aio is heavy, and only production needs it.
    from azure.identity.aio import (
        CertificateCredential,
        ClientSecretCredential,
        ManagedIdentityCredential,
    )

    kind = config.credential_kind
    if kind == "secret":
        return ClientSecretCredential(config.tenant_id, config.client_id, config.client_secret)
    if kind == "certificate":
        return CertificateCredential(
            config.tenant_id,
            config.client_id,
            certificate_path=config.certificate_path,
            password=config.certificate_password or None,
        )
    if config.client_id:
        return ManagedIdentityCredential(client_id=config.client_id)
    return ManagedIdentityCredential()
