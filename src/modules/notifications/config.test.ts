import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.js';

describe('reminder configuration', () => {
  it('is off without SMTP_URL', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).mail).toEqual({ smtpUrl: null, from: 'Assure <assure@localhost>', publicUrl: null, reminderHour: 7 });
  });

  it('needs PUBLIC_URL with SMTP_URL, and takes the hour and sender', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', SMTP_URL: 'smtp://127.0.0.1:2525' })).toThrow(ConfigError);
    const c = loadConfig({ NODE_ENV: 'test', SMTP_URL: 'smtp://mail.example:25', PUBLIC_URL: 'https://assure.example.org/', MAIL_FROM: 'Assure <no-reply@example.org>', REMINDER_HOUR: '8' });
    expect(c.mail).toEqual({ smtpUrl: 'smtp://mail.example:25', from: 'Assure <no-reply@example.org>', publicUrl: 'https://assure.example.org', reminderHour: 8 });
  });

  it('refuses a malformed SMTP_URL, PUBLIC_URL or hour', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', SMTP_URL: 'mail.example:25', PUBLIC_URL: 'https://a.example' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'assure.example.org' })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ NODE_ENV: 'test', REMINDER_HOUR: '24' })).toThrow(/REMINDER_HOUR/);
  });
});

describe('the digest text', () => {
  it('lists at most 30 links a section, then points to the queue', async () => {
    const { composeDigest } = await import('./digest.js');
    const items = Array.from({ length: 35 }, (_, i) => ({ childId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, name: 'A standard', status: 'overdue' as const }));
    const m = composeDigest(items, 'https://a.example', 'daily');
    expect(m.text).toContain('35 things are overdue: https://a.example/my/standards#overdue');
    expect(m.text.match(/\/children\//g)).toHaveLength(30);
    expect(m.text).toContain('- and 5 more: https://a.example/my/standards');
    expect(m.subject).toBe('Assure: 35 overdue in your practice standards');
  });
});
