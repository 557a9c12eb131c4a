"""moto's Cognito user pool for gatecheck's interop test (tests/it/cognito_interop.rs).

Starts moto's server on 127.0.0.1 (a free port), makes a user pool with app
clients and users through boto3, prints one JSON line describing them, then
serves until its standard input closes. Nothing leaves loopback.

moto checks the wire shapes, not the cryptography: its SRP accepts any
proof and its TOTP check is off, so gatecheck's SRP and SECRET_HASH are
proved against AWS's own client logging into gatecheck's emulator instead
(pycognito_login.py).
"""

import json
import sys

import boto3
from moto.server import ThreadedMotoServer

PASSWORD = "Correct-horse-1"


def main():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    idp = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    pool_id = idp.create_user_pool(
        PoolName="gatecheck",
        MfaConfiguration="OPTIONAL",
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(
        UserPoolId=pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="OPTIONAL",
    )
    flows = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="public", ExplicitAuthFlows=flows
    )["UserPoolClient"]["ClientId"]
    confidential = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="confidential", GenerateSecret=True, ExplicitAuthFlows=flows
    )["UserPoolClient"]

    def user(name, permanent=True):
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=name,
            TemporaryPassword=PASSWORD,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": f"{name}@example.com"}],
        )
        if permanent:
            idp.admin_set_user_password(
                UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True
            )

    user("ada")
    user("temporary", permanent=False)
    idp.sign_up(ClientId=client_id, Username="unconfirmed", Password=PASSWORD)
    user("mfa")
    access = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "mfa", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]["AccessToken"]
    totp_secret = idp.associate_software_token(AccessToken=access)["SecretCode"]
    idp.verify_software_token(AccessToken=access, UserCode="123456")
    idp.admin_set_user_mfa_preference(
        UserPoolId=pool_id,
        Username="mfa",
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    print(
        json.dumps(
            {
                "endpoint": endpoint,
                "user_pool_id": pool_id,
                "client_id": client_id,
                "secret_client_id": confidential["ClientId"],
                "client_secret": confidential["ClientSecret"],
                "password": PASSWORD,
                "totp_secret": totp_secret,
            }
        ),
        flush=True,
    )
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
