// A real OpenID Connect provider for the staff sign-in tests: node-oidc-provider (OpenID Certified), with
// its development login form (any account id signs in) and one confidential client, the portal.
//
//   node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI ACCOUNTS_JSON
//
// ACCOUNTS_JSON maps an account id to its claims ({"rita": {"email": "...", "groups": ["..."]}}). The
// provider prints "ready <issuer>" once it listens.
//
// One addition for the tests, outside the provider's own routes: POST /__test__/tamper with
// mode=forged|expired|foreign_key|wrong_nonce makes the NEXT token response carry an ID token that an attacker
// in the middle would send (claims changed under the original signature, signed by another key) or that the
// provider signs itself but that has expired or answers another nonce. The portal must refuse each one.
import { generateKeyPairSync } from 'node:crypto';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri, accountsJson] = process.argv.slice(2);
const accounts = JSON.parse(accountsJson);
const issuer = `http://127.0.0.1:${port}`;

function rsaJwk(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

const signingJwk = rsaJwk('portal-test-key');
const foreignJwk = rsaJwk('portal-test-key'); // same kid, another key: what a forger would use

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['test-cookie-key-not-secret'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'groups'],
  },
  // The portal reads the person's claims from the verified ID token, as Entra ID sends them.
  conformIdTokenClaims: false,
  // The portal always sends PKCE (S256); the provider insists on it, so a portal without PKCE fails here.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = accounts[id] || {};
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.proxy = false;

let tamper = null;

async function tampered(idToken) {
  const [header, payload, signature] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const sign = async (values, jwk) => new jose.SignJWT(values)
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' })
    .sign(await jose.importJWK(jwk, 'RS256'));
  const now = Math.floor(Date.now() / 1000);
  switch (tamper) {
    case 'forged': // more rights claimed under the provider's original signature
      return `${header}.${Buffer.from(JSON.stringify({ ...claims, groups: ['portal-admins'] })).toString('base64url')}.${signature}`;
    case 'foreign_key':
      return sign({ ...claims, groups: ['portal-admins'] }, foreignJwk);
    case 'expired': // signed by the provider itself, but its time is over
      return sign({ ...claims, iat: now - 7200, exp: now - 3600 }, signingJwk);
    case 'wrong_nonce':
      return sign({ ...claims, nonce: 'not-the-one-you-sent' }, signingJwk);
    default:
      return idToken;
  }
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test__/tamper' && ctx.method === 'POST') {
    const body = await new Promise((resolve) => {
      let data = '';
      ctx.req.on('data', (chunk) => { data += chunk; });
      ctx.req.on('end', () => resolve(data));
    });
    tamper = new URLSearchParams(body).get('mode') || null;
    ctx.body = { tamper };
    return;
  }
  await next();
  if (ctx.path === '/token' && tamper && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token) };
    tamper = null;
  }
});

provider.listen(Number(port), '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});
