/**
 * Imports running in the background of this process, so the upload page can answer at once and
 * then show the import's progress and, when it ends, its result. A job holds no child's data: the
 * file's name, who started it, how far it has read and, at the end, the import's id or why nothing
 * was imported. Finished jobs are forgotten after an hour (their result is the stored import run).
 * A job lives in the process that runs it: behind a load balancer, the progress page needs the
 * same process (sticky sessions), and a restart ends the job with nothing changed (one import is
 * one transaction).
 */
import { randomUUID } from 'node:crypto';
import type { ImportProgress } from './service.js';

export type JobState = 'running' | 'done' | 'refused' | 'failed';

export interface ImportJob {
  id: string;
  partnershipId: string;
  fileName: string;
  startedAt: Date;
  state: JobState;
  progress: ImportProgress | null;
  /** The stored import run, when done. */
  runId: string | null;
  /** Why nothing was imported, when refused or failed. */
  message: string | null;
  finishedAt: Date | null;
}

const KEEP_MS = 60 * 60 * 1000;

export class ImportJobs {
  private readonly jobs = new Map<string, { job: ImportJob; settled: Promise<void> }>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /**
   * Starts work in the background. `refusal` tells an expected refusal (its message is shown) from
   * a fault (logged by `onFault`, shown as a failure with nothing changed).
   */
  start(
    owner: { partnershipId: string; fileName: string },
    work: (onProgress: (p: ImportProgress) => void) => Promise<{ id: string }>,
    refusal: (err: unknown) => string | null,
    onFault: (err: unknown) => void,
  ): ImportJob {
    this.prune();
    const job: ImportJob = { id: randomUUID(), ...owner, startedAt: this.now(), state: 'running', progress: null, runId: null, message: null, finishedAt: null };
    const settled = work((p) => (job.progress = p)).then(
      (out) => {
        job.state = 'done';
        job.runId = out.id;
      },
      (err: unknown) => {
        const message = refusal(err);
        job.state = message === null ? 'failed' : 'refused';
        job.message = message ?? 'The import failed and nothing was changed. Try again; if it fails again, tell your system administrator the time it happened.';
        if (message === null) onFault(err);
      },
    );
    const done = settled.finally(() => (job.finishedAt = this.now()));
    this.jobs.set(job.id, { job, settled: done });
    return job;
  }

  /** A job of the partnership, or undefined (another partnership's job is not found). */
  get(partnershipId: string, id: string): ImportJob | undefined {
    this.prune();
    const entry = this.jobs.get(id);
    return entry && entry.job.partnershipId === partnershipId ? entry.job : undefined;
  }

  /** Waits until the job ends or `ms` pass, whichever is first. */
  async wait(job: ImportJob, ms: number): Promise<ImportJob> {
    const entry = this.jobs.get(job.id);
    if (entry) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.settled, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
      clearTimeout(timer);
    }
    return job;
  }

  /** Waits for every job (for a clean shutdown and for tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((e) => e.settled));
  }

  private prune(): void {
    const cutoff = this.now().getTime() - KEEP_MS;
    for (const [id, { job }] of this.jobs) if (job.finishedAt && job.finishedAt.getTime() < cutoff) this.jobs.delete(id);
  }
}

/** How far a job has read its file, 0–100, when the file's size is known. */
export function percentRead(p: ImportProgress | null): number | null {
  if (!p || !p.totalBytes) return null;
  return Math.min(100, Math.floor((p.bytesRead / p.totalBytes) * 100));
}
