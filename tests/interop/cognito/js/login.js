// amazon-cognito-identity-js (AWS's own client, the SRP of Amplify) signs in
// to gatecheck's emulated user pool.
// Usage: node login.js ENDPOINT POOL_ID CLIENT_ID USERNAME PASSWORD TOTP_SECRET
// (an empty TOTP_SECRET: none). Prints one JSON line: {"ok": true, "access":
// claims, "id": claims} or {"ok": false, "error": "...", "message": "..."}.
"use strict";
const crypto = require("crypto");
const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require("amazon-cognito-identity-js");

const [endpoint, poolId, clientId, username, password, totpSecret] = process.argv.slice(2);

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.toUpperCase().replace(/=+$/, "")) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// RFC 6238: HMAC-SHA1, 30-second steps, 6 digits.
function totp(secret) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const digest = crypto.createHmac("sha1", base32(secret)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const number = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 1000000).padStart(6, "0");
}

const print = (value) => {
  process.stdout.write(JSON.stringify(value) + "\n");
};

const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
const user = new CognitoUser({ Username: username, Pool: pool });
const callbacks = {
  onSuccess: (session) =>
    print({ ok: true, access: session.getAccessToken().decodePayload(), id: session.getIdToken().decodePayload() }),
  onFailure: (err) => print({ ok: false, error: err.code || err.name, message: err.message }),
  totpRequired: () => {
    if (!totpSecret) return print({ ok: false, error: "SOFTWARE_TOKEN_MFA", message: "challenge" });
    user.sendMFACode(totp(totpSecret), callbacks, "SOFTWARE_TOKEN_MFA");
  },
};
user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), callbacks);
