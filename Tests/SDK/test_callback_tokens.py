"""The bot's side of callbacks: every notification's bearer token verifies with PyJWT
against the keys Switchboard publishes, across a key rotation, as a bot would check it."""

import os
import time

import httpx
import jwt
import pytest

from conftest import Receiver

BASE = os.environ.get("SWITCHBOARD_URL", "http://127.0.0.1:8080")
APP_ID = "2891555a-92ff-42e6-80fa-6e1300c6b5c6"
JOHN = "112f7296-5fa4-42ca-bae8-6a692b15d4b8"
ISSUERS = ["https://graph.microsoft.com", "https://api.botframework.com"]


def announced_token(callback):
    """Someone calls the bot; returns the bearer token of the notification it gets."""
    before = len(Receiver.received)
    response = httpx.post(f"{BASE}/_switchboard/incoming-calls", json={
        "from": {"user": {"id": JOHN}}, "to": {"application": {"id": APP_ID}}, "callbackUri": callback,
    })
    assert response.status_code == 201, response.text
    deadline = time.monotonic() + 10
    while len(Receiver.received) == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(Receiver.received) > before, "no notification arrived"
    authorization = Receiver.received[before][0]["Authorization"]
    assert authorization.startswith("Bearer ")
    return authorization[len("Bearer "):]


def verify(token):
    """What the official sample does: keys from the OpenID configuration's jwks_uri,
    audience = the app id, one of Graph's issuers, lifetime, and a tenant claim."""
    configuration = httpx.get(f"{BASE}/v1/.well-known/OpenIdConfiguration").json()
    keys = jwt.PyJWKClient(configuration["jwks_uri"], cache_keys=False)
    key = keys.get_signing_key_from_jwt(token)
    claims = jwt.decode(token, key.key, algorithms=["ES256"], audience=APP_ID, issuer=ISSUERS,
                        options={"require": ["exp", "nbf", "iat", "iss", "aud"]})
    assert claims["tid"]
    return claims


def test_callback_tokens_verify_across_a_key_rotation(callback):
    before = announced_token(callback)
    verify(before)
    listed = httpx.get(f"{BASE}/_switchboard/callback-keys").json()["value"]
    signing = [key["kid"] for key in listed if key["signing"]]
    assert len(signing) == 1

    rotated = httpx.post(f"{BASE}/_switchboard/callback-keys/rotate")
    assert rotated.status_code == 200, rotated.text
    now_signing = [key["kid"] for key in rotated.json()["value"] if key["signing"]]
    assert now_signing != signing

    after = announced_token(callback)
    assert jwt.get_unverified_header(after)["kid"] == now_signing[0]
    assert jwt.get_unverified_header(before)["kid"] == signing[0]
    # The token signed before the rotation is still good: its key is still published.
    verify(before)
    verify(after)
    # A token from anyone else is not.
    with pytest.raises(jwt.PyJWTError):
        forged = jwt.encode({"aud": APP_ID, "iss": ISSUERS[1], "tid": "t"}, "not-a-switchboard-key-but-long-enough-for-hs256", algorithm="HS256",
                            headers={"kid": now_signing[0]})
        verify(forged)
