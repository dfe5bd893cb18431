// @ts-nocheck
// Test support shared by every package: a loopback TCP port that is free right now (bound once
// by the OS with port 0, then released). Servers under test bind it; connecting to it while
// nothing listens is refused, which is how the bad-input tests point at a dead Redis.
import { createServer } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}
