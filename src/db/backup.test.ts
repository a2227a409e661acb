import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeDataDirTarball } from '../../test/support/backup-files.js';
import { BackupError, formatSize, identifyBackup } from './backup.js';
import { openDatabase } from './database.js';

describe('formatSize', () => {
  it.each([
    [0, '0 bytes'],
    [999, '999 bytes'],
    [1000, '1.0 kB'],
    [159_321, '159 kB'],
    [5_512_345, '5.5 MB'],
    [12_345_678_901, '12.3 GB'],
  ])('%i bytes is %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe('identifyBackup', () => {
  let dir: string;
  const file = (name: string, content: Uint8Array | string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'assure-identify-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('knows a real copy of an embedded data directory', async () => {
    const handle = await openDatabase({ kind: 'memory' });
    const dump = await handle.dump();
    await handle.close();
    expect(await identifyBackup(file('real.tar.gz', dump))).toEqual({ kind: 'embedded' });
  });

  it.each([
    ['a pg_dump custom-format file', Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(64, 1)]), { kind: 'server' }],
    ['a tar.gz with a PG_VERSION entry', fakeDataDirTarball(), { kind: 'embedded' }],
    ['an empty file', '', { kind: null, reason: 'it is empty' }],
    ['text', 'hello\n', { kind: null, reason: 'it is neither a copy of an embedded data directory nor a pg_dump file' }],
    ['a gzip of text', gzipSync(Buffer.from('hello')), { kind: null, reason: 'it is a gzip file, but not a copy of a database data directory' }],
    ['a truncated gzip', gzipSync(Buffer.alloc(100_000, 7)).subarray(0, 40), { kind: null, reason: 'it is a gzip file, but not a copy of a database data directory' }],
    ['bytes that only start like gzip', Buffer.from([0x1f, 0x8b, 0, 1, 2, 3]), { kind: null, reason: 'it is a gzip file, but not a copy of a database data directory' }],
  ])('%s', async (_label, content, expected) => {
    expect(await identifyBackup(file(`f-${Math.random().toString(36).slice(2)}`, content))).toEqual(expected);
  });

  it('names a missing file and a folder', async () => {
    await expect(identifyBackup(path.join(dir, 'nope'))).rejects.toThrow(new BackupError(`There is no file ${path.join(dir, 'nope')}.`));
    await expect(identifyBackup(dir)).rejects.toThrow(`${dir} is not a file.`);
  });
});
