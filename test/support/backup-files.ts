/**
 * Files that look like backups, for tests of what `assure restore` accepts.
 */
import { gzipSync } from 'node:zlib';

/** A gzip'd tar holding one PG_VERSION entry: looks like an embedded backup to a quick glance. */
export function fakeDataDirTarball(): Buffer {
  const content = Buffer.from('18\n');
  const header = Buffer.alloc(512);
  header.write('PG_VERSION', 0, 'utf8');
  header.write('0000644\0', 100, 'latin1');
  header.write('0000000\0', 108, 'latin1');
  header.write('0000000\0', 116, 'latin1');
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  header.write('00000000000\0', 136, 'latin1');
  header.write('0', 156, 'latin1');
  header.write('ustar\0', 257, 'latin1');
  header.write('00', 263, 'latin1');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const body = Buffer.alloc(512);
  content.copy(body);
  return gzipSync(Buffer.concat([header, body, Buffer.alloc(1024)]));
}
