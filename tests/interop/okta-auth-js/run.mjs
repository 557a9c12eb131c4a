// Okta's JavaScript SDK (okta-auth-js 7.x and 8.x, as pinned in
// package.json) against gatecheck's Okta emulator, in Node:
//   node run.mjs http://127.0.0.1:PORT
// Each check prints `ok <version> <name>` or `FAIL <version> <name>: why`;
// the exit code is the number of failures. The built-in users and clients
// of the emulator are used (docs/emulator.md).
import { createRequire } from 'node:module';
import { createHmac } from 'node:crypto';

const require = createRequire(import.meta.url);
const base = process.argv[2];
if (!base) {
  console.error('usage: node run.mjs EMULATOR_URL');
  process.exit(2);
}
const issuer = `${base}/oauth2/default`;
const redirectUri = 'http://localhost:3000/callback';
const password = 'correct-horse';
const totpSecret = 'JBSWY3DPEHPK3PXP';

/** RFC 6238 code of a base32 secret, now. */
function totp(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

function client(OktaAuth, extra = {}) {
  return new OktaAuth({
    issuer,
    clientId: 'demo-spa',
    redirectUri,
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    pkce: true,
    tokenManager: { storage: 'memory' },
    storageManager: {
      token: { storageType: 'memory' },
      transaction: { storageType: 'memory' },
      'shared-transaction': { storageType: 'memory' },
      'original-uri': { storageType: 'memory' },
    },
    ...extra,
  });
}

function assert(condition, what) {
  if (!condition) throw new Error(what);
}

/** A session token from the Classic Authentication API. */
async function classicSession(auth, username) {
  const tx = await auth.signInWithCredentials({ username, password });
  if (tx.status === 'MFA_REQUIRED') {
    const factor = tx.factors.find((f) => f.factorType === 'token:software:totp');
    const done = await factor.verify({ passCode: totp(totpSecret) });
    assert(done.status === 'SUCCESS', `after the TOTP factor: ${done.status}`);
    return done.sessionToken;
  }
  assert(tx.status === 'SUCCESS', `authn status ${tx.status}`);
  return tx.sessionToken;
}

/** Authorization code + PKCE with a session token, as a headless app does it. */
async function pkceTokens(auth, sessionToken) {
  const params = await auth.token.prepareTokenParams();
  const query = new URLSearchParams({
    client_id: 'demo-spa',
    response_type: 'code',
    scope: params.scopes.join(' '),
    redirect_uri: redirectUri,
    state: params.state,
    nonce: params.nonce,
    code_challenge: params.codeChallenge,
    code_challenge_method: params.codeChallengeMethod,
    sessionToken,
  });
  const res = await fetch(`${issuer}/v1/authorize?${query}`, { redirect: 'manual' });
  const location = new URL(res.headers.get('location') ?? '', base);
  const code = location.searchParams.get('code');
  assert(res.status === 302 && code, `authorize answered ${res.status} ${location}`);
  assert(location.searchParams.get('state') === params.state, 'state came back');
  const { tokens } = await auth.token.exchangeCodeForTokens({
    authorizationCode: code,
    codeVerifier: params.codeVerifier,
    redirectUri,
  });
  return tokens;
}

async function run(version, pkg) {
  const { OktaAuth } = require(pkg);
  const results = [];
  const check = async (name, body) => {
    try {
      await body();
      results.push(`ok ${version} ${name}`);
    } catch (e) {
      results.push(`FAIL ${version} ${name}: ${e && (e.errorSummary || e.message || e)}`);
    }
  };
  const auth = client(OktaAuth);
  let tokens;
  await check('classic authn + PKCE', async () => {
    tokens = await pkceTokens(auth, await classicSession(auth, 'ada@example.com'));
    assert(tokens.accessToken?.accessToken, 'an access token');
    assert(tokens.idToken?.claims?.sub, 'a validated id token');
    assert(tokens.refreshToken?.refreshToken, 'a refresh token');
  });
  await check('classic authn with TOTP', async () => {
    const t = await pkceTokens(auth, await classicSession(auth, 'mfa@example.com'));
    assert(t.idToken.claims.sub, 'an id token');
  });
  await check('refresh', async () => {
    const renewed = await auth.token.renewTokensWithRefresh({ scopes: ['openid', 'offline_access'] }, tokens.refreshToken);
    assert(renewed.accessToken.accessToken !== tokens.accessToken.accessToken, 'a new access token');
    tokens = { ...tokens, ...renewed };
  });
  await check('userinfo', async () => {
    const info = await auth.token.getUserInfo(tokens.accessToken, tokens.idToken);
    assert(info.sub === tokens.idToken.claims.sub, `userinfo sub ${info.sub}`);
  });
  await check('introspect (public client)', async () => {
    const answer = await auth.token.introspect('accessToken', tokens.accessToken);
    assert(answer.active === true, `active: ${JSON.stringify(answer)}`);
  });
  await check('revoke (public client)', async () => {
    await auth.revokeAccessToken(tokens.accessToken);
    await auth.revokeRefreshToken(tokens.refreshToken);
    const answer = await auth.token.introspect('accessToken', tokens.accessToken);
    assert(answer.active === false, `still active after revoke: ${JSON.stringify(answer)}`);
  });
  await check('logout', async () => {
    const url = await auth.getSignOutRedirectUrl({
      idToken: tokens.idToken,
      postLogoutRedirectUri: 'http://localhost:3000/',
    });
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location') ?? '';
    assert(res.status === 302 && location.startsWith('http://localhost:3000/'), `logout answered ${res.status} ${location}`);
  });

  // Identity Engine. 8.x runs in "step mode" by default: `idx.start()`,
  // then each `proceed` names the remediation (its `step`), and
  // `authenticate({username, password})` alone answers "No `step` or
  // `action` provided" by design (its docs/idx.md); 7.x, and 8.x in legacy
  // mode, follow the remediations themselves.
  const stepMode = version === '8';
  const idxLogin = async (extra, username, steps) => {
    const idx = client(OktaAuth, extra);
    let tx;
    if (stepMode && !extra.idx?.enableLegacyMode) {
      await idx.idx.start();
      tx = await idx.idx.proceed({ step: 'identify', username, password });
    } else {
      tx = await idx.idx.authenticate({ username, password });
    }
    for (const step of steps) {
      assert(tx.status === 'PENDING' && tx.nextStep?.name === step, `expected ${step}, got ${tx.status} ${tx.nextStep?.name} ${JSON.stringify(tx.messages ?? [])}`);
      const values = { verificationCode: totp(totpSecret) };
      tx = await idx.idx.proceed(stepMode && !extra.idx?.enableLegacyMode ? { step, ...values } : values);
    }
    assert(tx.status === 'SUCCESS', `status ${tx.status} ${tx.nextStep?.name ?? ''} ${JSON.stringify(tx.messages ?? tx.error ?? '')}`);
    assert(tx.tokens?.accessToken?.accessToken, 'an access token');
    const claims = tx.tokens?.idToken?.claims ?? {};
    assert(claims.preferred_username === username, `id token of ${claims.preferred_username}`);
  };
  await check('idx authenticate with password', () => idxLogin({}, 'ada@example.com', []));
  await check('idx authenticate with password + TOTP', () =>
    idxLogin({}, 'mfa@example.com', ['challenge-authenticator']));
  if (stepMode) {
    await check('idx authenticate in legacy mode', () =>
      idxLogin({ idx: { enableLegacyMode: true } }, 'mfa@example.com', ['challenge-authenticator']));
  }
  return results;
}

let failures = 0;
for (const [version, pkg] of [['7', 'okta-auth-js-7'], ['8', 'okta-auth-js-8']]) {
  for (const line of await run(version, pkg)) {
    console.log(line);
    if (line.startsWith('FAIL')) failures += 1;
  }
}
process.exit(failures);
