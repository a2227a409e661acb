/**
 * A real OpenID Connect provider for the tests: oidc-provider (the certified Node.js
 * implementation) on a random loopback port, with one client registered for Assure's callback
 * and the given accounts. Its development login and consent pages accept any password for a
 * known account's login (the account's subject).
 *
 * `authorize` walks those pages without a browser (a small cookie jar, forms posted as a
 * browser would) and returns the address the provider sends the browser back to.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestAccount {
  /** The subject (`sub`), which is also what is typed as the login on the provider's page. */
  sub: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  /** Accounts may be added while it runs. */
  accounts: Map<string, TestAccount>;
  /** Walks the provider's login and consent pages as `login`; the URL the provider redirects back to. */
  authorize(authorizationUrl: string, login: string): Promise<URL>;
  close(): Promise<void>;
}

export interface ProviderOptions {
  redirectUris: string[];
  accounts?: TestAccount[];
  clientId?: string;
  /** null: a public client (PKCE alone, no secret). */
  clientSecret?: string | null;
}

export async function startOidcProvider(opts: ProviderOptions): Promise<TestProvider> {
  const accounts = new Map((opts.accounts ?? []).map((a) => [a.sub, a]));
  const clientId = opts.clientId ?? 'assure-test';
  const clientSecret = opts.clientSecret === undefined ? 'a-test-client-secret-of-enough-length-0123456789' : opts.clientSecret;

  // The issuer names the port, so the port is taken first and the provider built after
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        ...(clientSecret ? { client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
        redirect_uris: opts.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['assure-test-provider-cookie-key'] },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: account.sub,
            ...(account.email !== undefined ? { email: account.email, email_verified: account.emailVerified ?? false } : {}),
            ...(account.name ? { name: account.name } : {}),
          };
        },
      };
    },
  });
  handler = provider.callback();

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    authorize: (url, login) => walk(issuer, url, login),
    close: () => new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((err) => (err ? reject(err) : resolve()));
    }),
  };
}

/** Follows the provider's redirects and submits its login and consent forms until it sends the browser elsewhere. */
async function walk(issuer: string, start: string, login: string): Promise<URL> {
  const jar = new Map<string, string>();
  let next: { url: string; method: 'GET' | 'POST'; body?: URLSearchParams } = { url: start, method: 'GET' };
  for (let step = 0; step < 20; step++) {
    const res = await fetch(next.url, {
      method: next.method,
      redirect: 'manual',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(next.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(next.body ? { body: next.body.toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location')!, next.url);
      if (location.origin !== new URL(issuer).origin) return location;
      next = { url: location.href, method: 'GET' };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`The provider answered ${res.status}: ${html.slice(0, 500)}`);
    const form = html.match(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/);
    if (!form) throw new Error(`No form on the provider's page: ${html.slice(0, 500)}`);
    const body = new URLSearchParams();
    for (const input of form[2]!.matchAll(/<input[^>]*>/g)) {
      const name = input[0].match(/name="([^"]+)"/)?.[1];
      const value = input[0].match(/value="([^"]*)"/)?.[1] ?? '';
      if (!name) continue;
      body.set(name, name === 'login' ? login : name === 'password' ? 'any password' : value);
    }
    next = { url: new URL(form[1]!.replace(/&amp;/g, '&'), next.url).href, method: 'POST', body };
  }
  throw new Error('The provider did not send the browser back within 20 steps');
}
