// Entry of a run child process (see run-process.ts). Ctrl-C reaches the whole process group;
// the parent decides what to stop, so the child ignores SIGINT and exits when disconnected.
// argv[2], when present, is the backend module to load before the first request; the child
// then says 'ready'. Each reply carries the run's wall and CPU milliseconds in this process.
import type { ChassisError } from '@chassis/core';
import { loadRunBackend, type RunBackend } from './run-backend.ts';
import { parseMessage, runRequestSchema } from './messages.ts';
import type { ReadyMessage, RunReply } from './run-process.ts';

const processCpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const backends = new Map<string, Promise<RunBackend>>();
const backendOf = (module: string): Promise<RunBackend> => {
  let b = backends.get(module);
  if (!b) {
    b = loadRunBackend(module);
    backends.set(module, b);
  }
  return b;
};

process.on('SIGINT', () => {});
process.on('disconnect', () => process.exit(0));
process.on('message', (raw: unknown) => {
  void (async () => {
    let reply: RunReply;
    let wall0 = performance.now();
    let cpu0 = process.cpuUsage();
    const usage = () => {
      const c = process.cpuUsage(cpu0);
      return { wallMs: performance.now() - wall0, cpuMs: (c.user + c.system) / 1000, processCpuMs: processCpuMs() };
    };
    try {
      const msg = parseMessage(runRequestSchema, raw, `run request to run process ${process.pid}`);
      const backend = await backendOf(msg.backendModule);
      // The first request arrives while the backend is still loading: the run's clock starts once
      // it has loaded, so start-up is counted once (in 'ready'), not again in the first run.
      wall0 = performance.now();
      cpu0 = process.cpuUsage();
      // The definition crossed a process boundary too: the backend validates it again here.
      const definition = backend.parse(msg.definition, `run ${msg.runId}`, msg.ctx);
      const outcome = await backend.run(definition, msg.ctx);
      reply = { type: 'result', outcome, usage: usage() };
    } catch (err) {
      const e = err as Partial<ChassisError> & Error;
      reply = { type: 'error', message: e.code ? `${e.code}: ${e.message}` : (e.message ?? String(err)), usage: usage() };
    }
    process.send?.(reply);
  })();
});

const preload = process.argv[2];
if (preload) {
  let ready: ReadyMessage;
  try {
    await backendOf(preload);
    ready = { type: 'ready', processCpuMs: processCpuMs() };
  } catch (err) {
    // The first request reports the same error as that run's failure.
    ready = { type: 'ready', error: (err as Error).message ?? String(err) };
  }
  process.send?.(ready);
}
