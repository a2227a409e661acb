/**
 * The real app, listening on an ephemeral port on 127.0.0.1, on a fresh database seeded
 * with a small partnership (a user of every role, all with PASSWORD).
 */
import { buildTestApp, type TestApp } from '../../support/app.js';
import { makePartnership, PASSWORD, type Fixture } from '../../support/factories.js';

export { PASSWORD };

export interface RunningServer {
  baseURL: string;
  t: TestApp;
  fixture: Fixture;
  /** The partnership's display name, shown in the header. */
  partnershipName: string;
  close(): Promise<void>;
}

export async function startServer(code = '901'): Promise<RunningServer> {
  const t = await buildTestApp();
  try {
    const partnershipName = `Testshire Partnership ${code}`;
    const fixture = await makePartnership(t.database.db, code, partnershipName);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error(`The app is not listening on a TCP port: ${String(address)}`);
    return { baseURL: `http://127.0.0.1:${address.port}`, t, fixture, partnershipName, close: () => t.close() };
  } catch (err) {
    await t.close();
    throw err;
  }
}
