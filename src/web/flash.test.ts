import { describe, expect, it } from 'vitest';
import { flashFor } from './flash.js';

describe('confirmation messages', () => {
  it.each([
    [{ signedOut: '1' }, 'You have signed out.'],
    [{ added: 'agency' }, 'Agency added.'],
    [{ changed: 'token-revoked' }, 'The token has been revoked: it no longer works.'],
    [{ done: 'resolve' }, 'The escalation is resolved.'],
    [{ saved: 'something-new' }, 'Saved.'],
    [{ page: '2' }, null],
    [{ added: 'x'.repeat(100) }, null],
  ])('%o → %s', (query, message) => {
    expect(flashFor(query)).toBe(message);
  });
});
