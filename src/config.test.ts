import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('defaults to the embedded database in ./data on port 3000, with demo data in development', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.database).toEqual({ kind: 'embedded', dataDir: path.resolve('./data') });
    expect(c.seedDemo).toBe(true);
    expect(c.env).toBe('development');
  });

  it('uses a PostgreSQL server when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/assure' }).database).toEqual({ kind: 'server', url: 'postgres://u@db:5432/assure' });
  });

  it('refuses to start in production without a session secret, and never seeds demo data there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET is required/);
    const secret = 'x'.repeat(40);
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret }).seedDemo).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: secret, ASSURE_DEMO: 'true' })).toThrow(/never goes into production/);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ SESSION_IDLE_MINUTES: '0' }, 'SESSION_IDLE_MINUTES'],
  ])('names the bad variable: %o', (env, name) => {
    expect(() => loadConfig(env)).toThrow(new RegExp(name));
  });
});

describe('configuration for the assure command', () => {
  it('does not need a session secret in production, and still never seeds demo data', () => {
    const c = loadConfig({ NODE_ENV: 'production' }, 'cli');
    expect(c.seedDemo).toBe(false);
  });
});
