import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.js';

describe('password policy', () => {
  it.each([
    ['short', /12 characters or more/],
    ['password1234', /too common/],
    ['Password1234!', /too common/],
    ['qwertyuiop123', /too common/],
    ['1q2w3e4r5t6y', /too common/],
    ['aaaaaaaaaaaaaaaa', /repeat/],
    ['ababababababab', /repeat/],
    ['x'.repeat(257), /256 characters or fewer/],
  ])('refuses %s', (pw, message) => {
    expect(passwordProblem(pw)).toMatch(message);
  });

  it('refuses a password containing the e-mail address', () => {
    expect(passwordProblem('jo.bloggs-is-great', { email: 'jo.bloggs@example.org' })).toMatch(/e-mail/);
  });

  it.each(['correct horse battery staple', 'lantern-otter-plum-42', 'demo-E5lHPTwMDH-5WBMS'])('accepts %s', (pw) => {
    expect(passwordProblem(pw)).toBeNull();
  });
});
