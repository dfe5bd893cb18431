// Entry of a run child process (see run-process.ts). Ctrl-C reaches the whole process group;
// the parent decides what to stop, so the child ignores SIGINT and exits when disconnected.
import { loadRunBackend, type RunBackend } from './run-backend.ts';
import type { RunReply, RunRequest } from './run-process.ts';

const backends = new Map<string, RunBackend>();

process.on('SIGINT', () => {});
process.on('disconnect', () => process.exit(0));
process.on('message', (msg: RunRequest) => {
  void (async () => {
    let reply: RunReply;
    try {
      let backend = backends.get(msg.backendModule);
      if (!backend) {
        backend = await loadRunBackend(msg.backendModule);
        backends.set(msg.backendModule, backend);
      }
      reply = { type: 'result', outcome: await backend.run(msg.definition, msg.ctx) };
    } catch (err) {
      const e = err as Error & { code?: string };
      reply = { type: 'error', message: e.code ? `${e.code}: ${e.message}` : (e.message ?? String(err)) };
    }
    process.send?.(reply);
  })();
});
