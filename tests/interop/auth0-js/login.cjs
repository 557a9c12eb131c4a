// Logs into an Auth0 tenant with the real auth0-js SDK (its browser
// bundle) in a jsdom page served from http://localhost:3000: the SDK's
// crossOriginAuthentication login (POST /co/authenticate through jsdom's
// XMLHttpRequest, with CORS and cookies), then the /authorize redirect it
// makes with the login ticket, followed with the page's cookies, then the
// SDK's oauthToken call for the code. Prints one JSON object on stdout.
//
// usage: node login.cjs DOMAIN_URL AUDIENCE [PAGE_ORIGIN]
// With PAGE_ORIGIN (an origin the app does not allow), only a login is
// tried and the SDK's error printed.
'use strict';

const crypto = require('node:crypto');
const { JSDOM, VirtualConsole } = require('jsdom');

const [domain, audience, pageOrigin] = process.argv.slice(2);
const PAGE = `${pageOrigin || 'http://localhost:3000'}/login`;
const REDIRECT_URI = 'http://localhost:3000/callback';
const CONNECTION = 'Username-Password-Authentication';
const TIMEOUT_MS = 20000;

// jsdom's own reports (a refused CORS request) stay out of the output:
// the SDK's callback says what happened.
const virtualConsole = new VirtualConsole();
virtualConsole.sendTo(console, { omitJSDOMErrors: true });
const dom = new JSDOM('<!doctype html><html><body></body></html>', { url: PAGE, virtualConsole });
const page = dom.window;

// auth0-js reads the global `window`; a browser navigates when it assigns
// `window.location`, which jsdom does not implement: that assignment is
// recorded instead. Everything else is the jsdom window's.
let navigated = null;
const windowProxy = new Proxy(page, {
  get(target, name) {
    const value = Reflect.get(target, name, target);
    const isMethod = typeof value === 'function' && /^[a-z]/.test(String(name));
    return isMethod ? value.bind(target) : value;
  },
  set(target, name, value) {
    if (name === 'location') {
      navigated(String(value));
      return true;
    }
    return Reflect.set(target, name, value, target);
  },
});
globalThis.window = windowProxy;
globalThis.self = windowProxy;
globalThis.document = page.document;
globalThis.XMLHttpRequest = page.XMLHttpRequest;
globalThis.localStorage = page.localStorage;
globalThis.sessionStorage = page.sessionStorage;

// The browser bundle, run as a browser runs a script (its UMD wrapper
// exports through the `exports` given here).
const fs = require('node:fs');
const bundle = fs.readFileSync(require.resolve('auth0-js/dist/auth0.min.js'), 'utf8');
const auth0 = {};
new Function('exports', 'module', 'define', bundle).call(globalThis, auth0, { exports: auth0 }, undefined);

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function pkce() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

const webAuth = new auth0.WebAuth({
  domain,
  clientID: 'auth0-spa',
  redirectUri: REDIRECT_URI,
  responseType: 'code',
  scope: 'openid profile email',
  audience,
});

// The SDK's login: resolves with the /authorize URL it navigates to, or
// with the error it reports to the callback.
function login(username, password, challenge) {
  return withTimeout(
    new Promise((resolve) => {
      navigated = (url) => resolve({ url });
      webAuth.login(
        {
          realm: CONNECTION,
          username,
          password,
          code_challenge: challenge,
          code_challenge_method: 'S256',
        },
        (err) => resolve({ err }),
      );
    }),
    `login of ${username}`,
  );
}

// GET the authorize URL as the browser would (with the page's cookies for
// it, or none); the Location of the answer.
async function follow(url, withCookies) {
  const headers = {};
  const cookie = dom.cookieJar.getCookieStringSync(url);
  if (withCookies && cookie) headers.cookie = cookie;
  const answer = await fetch(url, { redirect: 'manual', headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: answer.status, location: answer.headers.get('location') || '' };
}

function tokenFor(code, verifier) {
  return withTimeout(
    new Promise((resolve) => {
      webAuth.client.oauthToken(
        { grantType: 'authorization_code', code, redirectUri: REDIRECT_URI, codeVerifier: verifier },
        (err, result) => resolve(err ? { err } : { result }),
      );
    }),
    'oauthToken',
  );
}

async function foreign() {
  const attempt = await login('ada@example.com', 'correct-horse', pkce().challenge);
  const err = attempt.err || {};
  const out = attempt.err
    ? { code: err.code || err.error, description: String(err.description || err.error_description || '') }
    : { unexpected: attempt.url };
  process.stdout.write(JSON.stringify(out) + '\n');
}

async function main() {
  if (pageOrigin) return foreign();
  const out = {};
  // A wrong password: the SDK's callback gets Auth0's error.
  const wrong = await login('ada@example.com', 'wrong-horse', pkce().challenge);
  out.wrong_password = wrong.err
    ? { code: wrong.err.code || wrong.err.error, description: wrong.err.description || wrong.err.error_description }
    : { unexpected: wrong.url };

  // A ticket without the session cookie is not enough.
  const first = await login('ada@example.com', 'correct-horse', pkce().challenge);
  if (first.err) throw new Error(`login failed: ${JSON.stringify(first.err)}`);
  out.cookieless = await follow(first.url, false);

  // The whole login: ticket + cookie -> code -> tokens.
  const { verifier, challenge } = pkce();
  const second = await login('ada@example.com', 'correct-horse', challenge);
  if (second.err) throw new Error(`login failed: ${JSON.stringify(second.err)}`);
  const authorize = new URL(second.url);
  out.authorize_params = Object.fromEntries(authorize.searchParams);
  out.cookie_sent = dom.cookieJar.getCookieStringSync(second.url) !== '';
  const answer = await follow(second.url, true);
  out.callback = answer.location.split('?')[0];
  const back = new URL(answer.location);
  out.state_matches = back.searchParams.get('state') === authorize.searchParams.get('state');
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`no code: ${answer.status} ${answer.location}`);
  const tokens = await tokenFor(code, verifier);
  if (tokens.err) throw new Error(`oauthToken failed: ${JSON.stringify(tokens.err)}`);
  out.access_token = tokens.result.accessToken;
  out.id_token = tokens.result.idToken;
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  },
);
