/**
 * The API's rate limit: requests a minute for each bearer token, answered 429 with the API's
 * error body beyond it, other tokens unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/support/app.js';
import { type Fixture, makePartnership } from '../../test/support/factories.js';
import { AccessLogService } from '../modules/access-log/service.js';
import { AuthService } from '../modules/auth/service.js';

let t: TestApp;
let f: Fixture;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await buildTestApp({ apiRateLimitPerMinute: 3 });
  f = await makePartnership(t.database.db, '901');
  const auth = new AuthService(t.database.db, t.clock, t.config, new AccessLogService(t.database.db, t.clock));
  for (const key of ['worker', 'manager']) tokens[key] = (await auth.createToken({ id: f.users[key]!.id, partnership_id: f.partnershipId }, 'test', 30)).token;
});
afterAll(() => t.close());

const get = (who: string, url = '/api/v1/me') => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who]}` } });

describe('the API rate limit', () => {
  it('counts each token’s requests a minute, says so in headers, and answers 429 with the error body beyond the limit', async () => {
    const first = await get('worker');
    expect(first.statusCode).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('3');
    expect(first.headers['x-ratelimit-remaining']).toBe('2');
    await get('worker', '/api/v1/children');
    await get('worker');
    const over = await get('worker');
    expect(over.statusCode).toBe(429);
    expect(over.json()).toEqual({ error: { code: 'rate_limited', message: 'Too many requests. Wait a minute and try again.' } });
    expect(over.headers['retry-after']).toBeDefined();
    expect((await get('manager')).statusCode).toBe(200);
  });

  it('leaves the OpenAPI document out of the count', async () => {
    for (let i = 0; i < 5; i++) expect((await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode).toBe(200);
  });

  it('is on by default, 3000 a minute, and off with 0', async () => {
    const { loadConfig } = await import('../config.js');
    expect(loadConfig({ NODE_ENV: 'test' }).apiRateLimitPerMinute).toBe(3000);
    expect(loadConfig({ NODE_ENV: 'test', API_RATE_LIMIT_PER_MINUTE: '0' }).apiRateLimitPerMinute).toBe(0);
  });
});
