// A manual check that Okta's own okta-auth-js (8.x, in Node) completes the
// interaction code flow against the emulator; not part of `cargo test`.
//   gatecheck emulator --port 8080 &
//   npm install @okta/okta-auth-js   # in a scratch folder; copy this file there
//   LEGACY=1 node okta-auth-js-idx.js http://127.0.0.1:8080 mfa@example.com   # idx.authenticate({username, password}), legacy mode
//   LEGACY=0 node okta-auth-js-idx.js http://127.0.0.1:8080 mfa@example.com   # step mode (idx.start + proceed)
// Prints one JSON line: status SUCCESS, the remediations met, and the user of the id_token.
const { OktaAuth } = require('@okta/okta-auth-js');
const crypto = require('crypto');

function base32(s) {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'; let bits = '';
  for (const c of s.replace(/=+$/, '')) bits += a.indexOf(c).toString(2).padStart(5, '0');
  const out = []; for (let i = 0; i + 8 <= bits.length; i += 8) out.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(out);
}
function totp(secret) {
  const counter = Buffer.alloc(8); counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const h = crypto.createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = ((h[o] & 0x7f) << 24 | h[o + 1] << 16 | h[o + 2] << 8 | h[o + 3]) % 1000000;
  return String(n).padStart(6, '0');
}

let seenFirst = '';
async function main() {
  const [okta, username, clientId] = process.argv.slice(2);
  const authClient = new OktaAuth({
    issuer: `${okta}/oauth2/default`,
    clientId: clientId || 'demo-spa',
    redirectUri: 'http://localhost:3000/callback',
    scopes: ['openid', 'profile', 'email'],
  });
  const legacy = process.env.LEGACY === '1';
  let tx = legacy
    ? await authClient.idx.authenticate({ username, password: 'correct-horse', enableLegacyMode: true })
    : await authClient.idx.start();
  if (!legacy && (tx.availableSteps || []).some(s => s.name === 'identify')) {
    seenFirst = tx.availableSteps.find(s => s.name === 'identify').inputs.map(i => i.name).join('+');
    tx = await authClient.idx.proceed({ step: 'identify', username, password: 'correct-horse' });
  }
  const seen = legacy ? [] : ['identify(' + seenFirst + ')'];
  for (let i = 0; i < 5 && tx.status === 'PENDING'; i++) {
    const step = tx.nextStep;
    seen.push(`${step.name}${step.authenticator ? ':' + step.authenticator.key : ''}`);
    if (step.name === 'select-authenticator-authenticate') {
      const opts = step.options || (step.inputs || []).flatMap(i => i.options || []);
      const wanted = k => k === 'google_otp' || k === 'okta_verify';
      if (legacy) {
        const opt = opts.find(o => wanted(o.value));
        tx = await authClient.idx.proceed({ authenticator: opt.value, enableLegacyMode: true });
      } else {
        const opt = opts.find(o => o.relatesTo && wanted(o.relatesTo.key));
        const authenticator = Object.fromEntries(opt.value.map(f => [f.name, f.value]));
        tx = await authClient.idx.proceed({ step: step.name, authenticator });
      }
    } else if (step.name === 'challenge-authenticator') {
      tx = await authClient.idx.proceed(legacy ? { verificationCode: totp('JBSWY3DPEHPK3PXP'), enableLegacyMode: true } : { step: step.name, verificationCode: totp('JBSWY3DPEHPK3PXP'), password: 'correct-horse' });
    } else if (step.canSkip) {
      tx = await authClient.idx.proceed(legacy ? { skip: true, enableLegacyMode: true } : { step: 'skip' });
    } else {
      break;
    }
  }
  console.log(JSON.stringify({ username, status: tx.status, steps: seen,
    messages: (tx.messages || []).map(m => m.message),
    accessToken: !!(at && at.accessToken), user: tx.tokens && tx.tokens.idToken && tx.tokens.idToken.claims.preferred_username }));
}
main().catch(e => { console.log('ERROR', e && (e.stack || e)); process.exit(1); });
