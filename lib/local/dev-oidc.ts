/**
 * OpenID Connect endpoints for the dev issuer, so the console signs in locally exactly as it
 * does against Cognito: authorization code + PKCE with oidc-client-ts. The authorize endpoint
 * is a small page that lists the demo users to pick from (there are no passwords: the demo
 * tokens are printed by `npm start` anyway); the token endpoint checks the PKCE S256 verifier,
 * the client and the redirect URI, and answers with an ID token the gateway's JWT check accepts.
 *
 * Served by the gateway under /_oidc/ (the authority is `<origin>/_oidc`), on localhost only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DEMO_USER_KEYS, DEMO_USERS, type DemoUserKey, type DevIssuer } from './dev-issuer.js';

export const OIDC_PATH_PREFIX = '/_oidc';
/** How long a code may wait for its exchange (RFC 6749 recommends at most ten minutes). */
const CODE_LIFETIME_MS = 60_000;
const TOKEN_LIFETIME_S = 12 * 60 * 60;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface OidcRequest {
  readonly method: string;
  /** Path below the prefix, e.g. `/token`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** `http://localhost:3000`: where the browser reached the gateway. */
  readonly origin: string;
  readonly form: URLSearchParams;
}

export interface OidcResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface PendingCode {
  readonly user: DemoUserKey;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly nonce: string | undefined;
  readonly expires: number;
}

interface AuthorizeParams {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly challenge: string;
  readonly nonce: string | undefined;
  readonly scope: string;
}

export function createDevOidc(issuer: DevIssuer, now: () => number = Date.now) {
  const codes = new Map<string, PendingCode>();

  function discovery(origin: string): OidcResponse {
    const base = `${origin}${OIDC_PATH_PREFIX}`;
    return json(200, {
      // The tokens' `iss`, which the gateway's JWT check (like API Gateway's) compares.
      issuer: issuer.issuer,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      jwks_uri: `${base}/jwks`,
      end_session_endpoint: `${base}/logout`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid', 'profile', 'email'],
      claims_supported: ['sub', 'name', 'email', issuer.rolesClaim],
    });
  }

  /** The authorize request's parameters, or why it cannot be answered (then nothing redirects: RFC 6749 4.1.2.1). */
  function readAuthorize(params: URLSearchParams, origin: string): AuthorizeParams | string {
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    if (clientId !== issuer.audience) return `Unknown client_id '${clientId}': the local console's client is '${issuer.audience}'.`;
    if (!isAllowedRedirect(redirectUri, origin)) return `redirect_uri '${redirectUri}' is not a page of this machine's console (${origin}).`;
    if (params.get('response_type') !== 'code') return "response_type must be 'code' (authorization code flow).";
    const challenge = params.get('code_challenge') ?? '';
    if (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return 'PKCE is required: code_challenge (43 base64url characters) with code_challenge_method S256.';
    }
    const scope = params.get('scope') ?? '';
    if (!scope.split(' ').includes('openid')) return "scope must include 'openid'.";
    return { clientId, redirectUri, state: params.get('state') ?? '', challenge, nonce: params.get('nonce') ?? undefined, scope };
  }

  function authorizePage(request: OidcRequest): OidcResponse {
    const params = readAuthorize(request.query, request.origin);
    if (typeof params === 'string') return errorPage(params);
    const hidden = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce']
      .filter((name) => request.query.has(name))
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(request.query.get(name)!)}">`)
      .join('');
    const users = DEMO_USER_KEYS.map((key) => {
      const user = DEMO_USERS[key];
      const groups = 'groups' in user ? `, ${user.groups.join(', ')}` : '';
      return `<li><button type="submit" name="user" value="${key}"><strong>${escapeHtml(user.name)}</strong><span>${escapeHtml(user.roles.join(', ') + groups)} · ${escapeHtml(user.sub)}</span></button></li>`;
    }).join('');
    return html(
      200,
      'Sign in to Caseway (local)',
      `<main><h1>Sign in to Caseway</h1><p>Local development sign-in: pick a demo user. (In AWS, this is the Cognito sign-in.)</p>` +
        `<form method="post" action="${OIDC_PATH_PREFIX}/authorize">${hidden}<ul class="users">${users}</ul></form></main>`,
    );
  }

  function authorizeChoice(request: OidcRequest): OidcResponse {
    const params = readAuthorize(request.form, request.origin);
    if (typeof params === 'string') return errorPage(params);
    const user = request.form.get('user') ?? '';
    if (!(DEMO_USER_KEYS as string[]).includes(user)) return errorPage(`No demo user '${user}'.`);
    const code = randomBytes(24).toString('base64url');
    sweep();
    codes.set(code, {
      user: user as DemoUserKey,
      clientId: params.clientId,
      redirectUri: params.redirectUri,
      challenge: params.challenge,
      nonce: params.nonce,
      expires: now() + CODE_LIFETIME_MS,
    });
    const target = new URL(params.redirectUri);
    target.searchParams.set('code', code);
    if (params.state) target.searchParams.set('state', params.state);
    return { status: 303, headers: { location: target.href, 'cache-control': 'no-store' }, body: '' };
  }

  async function token(request: OidcRequest): Promise<OidcResponse> {
    const form = request.form;
    if (form.get('grant_type') !== 'authorization_code') return tokenError('unsupported_grant_type', 'Only authorization_code is supported.');
    const code = form.get('code') ?? '';
    const pending = codes.get(code);
    // Single use: a replayed code fails even if the first exchange did.
    codes.delete(code);
    if (!pending || pending.expires < now()) return tokenError('invalid_grant', 'The code is unknown, used or expired.');
    if (form.get('client_id') !== pending.clientId) return tokenError('invalid_client', 'client_id does not match the authorization request.');
    if (form.get('redirect_uri') !== pending.redirectUri)
      return tokenError('invalid_grant', 'redirect_uri does not match the authorization request.');
    const verifier = form.get('code_verifier') ?? '';
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier))
      return tokenError('invalid_request', 'code_verifier must be 43 to 128 unreserved characters (RFC 7636).');
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge)
      return tokenError('invalid_grant', 'code_verifier does not match the code_challenge (PKCE S256).');
    const idToken = await issuer.sign(DEMO_USERS[pending.user], { expiresIn: TOKEN_LIFETIME_S, ...(pending.nonce ? { nonce: pending.nonce } : {}) });
    // As Cognito: the ID token is what the API's JWT authorizer checks; the access token here is the same token.
    return json(200, { id_token: idToken, access_token: idToken, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_S, scope: 'openid profile email' });
  }

  function logout(request: OidcRequest): OidcResponse {
    const target = request.query.get('post_logout_redirect_uri');
    if (target && isAllowedRedirect(target, request.origin))
      return { status: 303, headers: { location: target, 'cache-control': 'no-store' }, body: '' };
    return html(200, 'Signed out', '<main><h1>Signed out</h1><p><a href="/">Sign in again</a></p></main>');
  }

  function sweep(): void {
    const t = now();
    for (const [code, pending] of codes) if (pending.expires < t) codes.delete(code);
  }

  /** The answer for a path under /_oidc, or undefined for a path that is not one of these endpoints. */
  return async function serveOidc(request: OidcRequest): Promise<OidcResponse | undefined> {
    const route = `${request.method} ${request.path}`;
    switch (route) {
      case 'GET /.well-known/openid-configuration':
        return discovery(request.origin);
      case 'GET /jwks':
        return json(200, issuer.jwks);
      case 'GET /authorize':
        return authorizePage(request);
      case 'POST /authorize':
        return authorizeChoice(request);
      case 'POST /token':
        return token(request);
      case 'GET /logout':
        return logout(request);
      default:
        return undefined;
    }
  };
}

/** The console's own origin on this machine only: a code must not be sent to any other site. */
function isAllowedRedirect(uri: string, origin: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return url.origin === origin && LOOPBACK.has(url.hostname) && !url.hash;
}

function json(status: number, body: unknown): OidcResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}

function tokenError(error: string, description: string): OidcResponse {
  return json(error === 'invalid_client' ? 401 : 400, { error, error_description: description });
}

function errorPage(message: string): OidcResponse {
  return html(
    400,
    'Sign-in request refused',
    `<main><h1>This sign-in request cannot be answered</h1><p role="alert">${escapeHtml(message)}</p><p><a href="/">Back to the console</a></p></main>`,
  );
}

const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}main{max-width:36rem;margin:2rem auto;padding:0 1rem}' +
  'ul.users{list-style:none;padding:0}ul.users li{margin:.5rem 0}ul.users button{width:100%;text-align:left;font:inherit;padding:.75rem 1rem;border:1px solid #6b7480;border-radius:8px;background:#fff;color:#1b1f24;cursor:pointer}' +
  'ul.users button span{display:block;color:#4a5360;font-size:.9rem}ul.users button:hover{border-color:#0b57d0}:focus-visible{outline:3px solid #c2410c;outline-offset:2px}';

function html(status: number, title: string, body: string): OidcResponse {
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head><body>${body}</body></html>`;
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      // The form posts to this origin only, and no other site may frame the page (clickjacking a sign-in).
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'x-content-type-options': 'nosniff',
    },
    body: page,
  };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
