"""AWS's client logs into gatecheck's emulator: pycognito (boto3 underneath).

Usage: pycognito_login.py ENDPOINT POOL_ID CLIENT_ID CLIENT_SECRET USERNAME PASSWORD TOTP_SECRET
(an empty CLIENT_SECRET or TOTP_SECRET: none). pycognito computes the SRP
proof and SECRET_HASH itself, answers SOFTWARE_TOKEN_MFA with a code this
script computes (RFC 6238, standard library only), and verifies both tokens
against the pool's JWKS (signature, iss, aud of the ID token, token_use).
Prints one JSON line: {"ok": true, "access": claims, "id": claims} or
{"ok": false, "error": "NotAuthorizedException", "message": "..."}.
"""

import base64
import hashlib
import hmac
import json
import struct
import sys
import time

from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.exceptions import SoftwareTokenMFAChallengeException


def totp(secret):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def main():
    endpoint, pool_id, client_id, client_secret, username, password, totp_secret = sys.argv[1:8]
    user = Cognito(
        pool_id,
        client_id,
        username=username,
        client_secret=client_secret or None,
        boto3_client_kwargs={
            "endpoint_url": endpoint,
            "aws_access_key_id": "unused",
            "aws_secret_access_key": "unused",
        },
    )
    try:
        try:
            user.authenticate(password=password)
        except SoftwareTokenMFAChallengeException as challenge:
            if not totp_secret:
                raise
            user.respond_to_software_token_mfa_challenge(
                code=totp(totp_secret), mfa_tokens=challenge.get_tokens()
            )
    except ClientError as err:
        error = err.response["Error"]
        print(json.dumps({"ok": False, "error": error["Code"], "message": error["Message"]}))
        return
    except SoftwareTokenMFAChallengeException:
        print(json.dumps({"ok": False, "error": "SOFTWARE_TOKEN_MFA", "message": "challenge"}))
        return
    print(json.dumps({"ok": True, "access": user.access_claims, "id": user.id_claims}))


if __name__ == "__main__":
    main()
