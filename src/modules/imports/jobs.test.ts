import { describe, expect, it } from 'vitest';
import { ImportJobs, percentRead } from './jobs.js';

const owner = { partnershipId: 'p1', fileName: 'census.xml' };
const refusal = (err: unknown) => (err instanceof Error && err.message.startsWith('Nothing') ? err.message : null);

describe('imports in the background', () => {
  it('a job reports progress while it runs, then the import it stored', async () => {
    const jobs = new ImportJobs();
    let finish!: () => void;
    const job = jobs.start(owner, async (onProgress) => {
      onProgress({ children: 10, bytesRead: 250, totalBytes: 1000 });
      await new Promise<void>((r) => (finish = r));
      return { id: 'run-1' };
    }, refusal, () => {});
    await jobs.wait(job, 10);
    expect(job).toMatchObject({ state: 'running', runId: null, progress: { children: 10 } });
    expect(percentRead(job.progress)).toBe(25);
    finish();
    await jobs.wait(job, 1000);
    expect(job).toMatchObject({ state: 'done', runId: 'run-1', message: null });
    expect(job.finishedAt).not.toBeNull();
  });

  it('a refused file keeps its message; a fault is logged and shown as a failure with nothing changed', async () => {
    const jobs = new ImportJobs();
    const faults: unknown[] = [];
    const refused = jobs.start(owner, () => Promise.reject(new Error('Nothing was imported. The file is empty.')), refusal, (e) => faults.push(e));
    const failed = jobs.start(owner, () => Promise.reject(new Error('connection lost')), refusal, (e) => faults.push(e));
    await jobs.idle();
    expect(refused).toMatchObject({ state: 'refused', message: 'Nothing was imported. The file is empty.' });
    expect(failed.state).toBe('failed');
    expect(failed.message).toContain('nothing was changed');
    expect(faults).toHaveLength(1);
  });

  it('another partnership does not find a job, and a finished job is forgotten after an hour', async () => {
    let now = new Date('2026-12-04T09:00:00Z');
    const jobs = new ImportJobs(() => now);
    const job = jobs.start(owner, async () => ({ id: 'run-2' }), refusal, () => {});
    await jobs.idle();
    expect(jobs.get('p2', job.id)).toBeUndefined();
    expect(jobs.get('p1', job.id)).toBe(job);
    now = new Date('2026-12-04T09:59:00Z');
    expect(jobs.get('p1', job.id)).toBe(job);
    now = new Date('2026-12-04T10:01:00Z');
    expect(jobs.get('p1', job.id)).toBeUndefined();
  });

  it('percentRead is unknown without a file size', () => {
    expect(percentRead(null)).toBeNull();
    expect(percentRead({ children: 1, bytesRead: 5, totalBytes: null })).toBeNull();
    expect(percentRead({ children: 1, bytesRead: 1200, totalBytes: 1000 })).toBe(100);
  });
});
