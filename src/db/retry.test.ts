import { describe, expect, it } from 'vitest';
import { retryingTransaction } from './retry.js';

const failing = (codes: (string | undefined)[]) => {
  let calls = 0;
  const run = async () => {
    const code = codes[calls++];
    if (code === undefined) return calls;
    throw Object.assign(new Error(`failed with ${code}`), { code });
  };
  return { run, calls: () => calls };
};

describe('a transaction run again when the database asks', () => {
  it('runs again after a deadlock or a serialisation failure, and gives what the run that worked gave', async () => {
    const t = failing(['40P01', '40001']);
    expect(await retryingTransaction(t.run)).toBe(3);
  });

  it('gives up after the attempts allowed, with the last error', async () => {
    const t = failing(['40P01', '40P01', '40P01', '40P01']);
    await expect(retryingTransaction(t.run)).rejects.toThrow('failed with 40P01');
    expect(t.calls()).toBe(3);
  });

  it('never runs again after any other error (a constraint refused, say)', async () => {
    const t = failing(['23505']);
    await expect(retryingTransaction(t.run)).rejects.toThrow('failed with 23505');
    expect(t.calls()).toBe(1);
  });
});
