import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestTwin } from './support';

/** Ports free right now: each is held open until all are chosen, so the answers are distinct. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  for (let i = 0; i < count; i += 1) {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    servers.push(server);
  }
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  return ports;
}

/** Answers on `api` if the twin's HTTP API listens there (an unknown id is a 404 with the API's error shape). */
async function apiAnswers(api: string): Promise<boolean> {
  const response = await fetch(`${api}/requests/00000000-0000-4000-8000-000000000000`, {
    headers: { authorization: 'Bearer x' },
  });
  return (
    response.status === 404 && ((await response.json()) as { error?: { code?: string } }).error?.code === 'not_found'
  );
}

/**
 * DSAR_API_PORT (the `apiPort` option) is honoured on every start, not only the first: the port remembered with the
 * data is the default, never an override. (Its own file: one twin per process, since handler modules keep clients.)
 */
describe('End to end: the API port across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsar-port-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('listens on the port asked for at each start, and on the last one used when none is asked for', async () => {
    // Prepare
    const [first, second] = await freePorts(2);
    const dataDir = join(dir, 'data');
    const one = await startTestTwin({ dataDir, apiPort: first });
    const firstApi = one.twin.endpoints.api;
    await one.stop();

    // Act
    const two = await startTestTwin({ dataDir, apiPort: second });
    const secondApi = two.twin.endpoints.api;
    const secondAnswers = await apiAnswers(secondApi).finally(() => two.stop());
    const three = await startTestTwin({ dataDir, apiPort: undefined });
    const thirdApi = three.twin.endpoints.api;
    await three.stop();

    // Assess
    expect(new URL(firstApi).port).toBe(String(first));
    expect(new URL(secondApi).port).toBe(String(second));
    expect(secondAnswers).toBe(true);
    expect(thirdApi).toBe(secondApi);
  });
});
