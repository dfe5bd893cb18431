// What a sweep worker's first run pays for (not a bench section). A parent (this file) expands the
// bench's 8-member capture sweep with the compiled packages, then starts ONE child exactly as the
// pool does (same V8 flags and env; from the run child's bundle when the build has one, as the pool
// does, unless bundle=0) which loads the backend, optionally pre-loads something, then
// executes the runs in-process, printing wall and CPU ms per phase and per run, and a summary:
// the CPU of runs 1-3 above three warm runs is the worker's warm-up. Build first (npm run build).
//   node bench/quick/sweep-first-run.mjs [runs=8] [quiet=1] [prewarm=duckdb,strategy] [bundle=0]
//        [flags=--v8-flag,--other] [profile=/tmp/p]      (profile: one .cpuprofile per run, for
//                                                          node bench/quick/self-time.mjs /tmp/p/run-1.cpuprofile)
//        [threads=1] [base=0] [mark=1]                   (threads: CPU ms of each thread at the end — is a run
//                                                          on one core?; base=0: without the pool's V8 flags; mark:
//                                                          a line before each run, to split traces such as --trace-gc)
// SWEEP_FIRST_RUN_REPO=/work/main/ measures another checkout's compiled packages (A/B).
import { fork } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const REPO = process.env.SWEEP_FIRST_RUN_REPO ?? fileURLToPath(new URL('../../', import.meta.url));
const SEED = '/tmp/chassis-quick-sweep/capture';
const dist = (pkg) => join(REPO, 'packages', pkg, 'dist', 'index.js');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]),
);
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const ms = (x) => x.toFixed(0).padStart(5);

/** CPU ms of each thread of this process (Linux /proc), by thread name: is a run on one core? */
const threadCpu = () => {
  const tick = 10; // ms per clock tick (USER_HZ 100)
  const rows = readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { tid, name, ms: (Number(f[11]) + Number(f[12])) * tick };
  });
  return `threads: ${rows.map((r) => `${r.name}#${r.tid} ${r.ms}`).join(', ')} (CPU ms, user+system)`;
};

if (process.env.SWEEP_FIRST_RUN_CHILD) {
  const job = JSON.parse(process.env.SWEEP_FIRST_RUN_CHILD);
  const lines = [];
  const phase = async (name, f) => {
    const w0 = performance.now();
    const c0 = cpu();
    const r = await f();
    lines.push(`${name.padEnd(28)} wall ${ms(performance.now() - w0)} ms  CPU ${ms(cpu() - c0)} ms`);
    return r;
  };
  lines.push(`${'process start → here'.padEnd(28)} CPU ${ms(cpu())} ms (node start-up)`);
  // As the pool starts it: from the build's bundle of the child and the backtest backend when there
  // is one (the backend is then in that one file), else from the per-file modules (bundle=0 forces them).
  const bundle = join(REPO, 'packages/experiments/dist/bundle/run-process.mjs');
  const fromBundle = job.bundle !== '0' && existsSync(bundle);
  const { loadRunBackend } = await phase(
    fromBundle ? 'import bundle (+ backend)' : 'import run-backend',
    () => import(fromBundle ? bundle : join(REPO, 'packages/experiments/dist/run-backend.js')),
  );
  const backend = await phase('load backend', () => loadRunBackend(job.backendModule));
  const prewarm = (job.prewarm ?? '').split(',').filter(Boolean);
  if (prewarm.includes('duckdb')) {
    await phase('prewarm: duckdb instance', async () => {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:', { threads: '1' });
      const c = await db.connect();
      await c.run('select 1');
    });
  }
  if (prewarm.includes('strategy')) {
    await phase('prewarm: strategy import', async () => {
      const { loadStrategy } = await import(dist('backtesting'));
      await loadStrategy(job.strategy);
    });
  }
  let session;
  if (job.profile) {
    const { Session } = await import('node:inspector/promises');
    session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
  }
  const runCpu = [];
  for (let i = 0; i < job.members.length; i++) {
    const m = job.members[i];
    if (session) await session.post('Profiler.start');
    if (job.mark) console.log(`=== run ${i + 1}`);
    const c0 = cpu();
    await phase(`run ${i + 1}`, async () => {
      const def = backend.parse(m.definition, `run ${m.runId}`, job.ctx);
      const out = await backend.run(def, job.ctx);
      if (out.status !== 'completed') throw new Error(out.error);
    });
    runCpu.push(cpu() - c0);
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(join(job.profile, `run-${i + 1}.cpuprofile`), JSON.stringify(profile));
    }
  }
  const tail = runCpu.slice(3).reduce((a, b) => a + b, 0) / Math.max(1, runCpu.length - 3);
  lines.push(
    `summary: process CPU ${ms(cpu())} ms; runs CPU ${runCpu.map((x) => x.toFixed(0)).join(' ')}; warm-up over runs 1-3 ${ms(runCpu.slice(0, 3).reduce((a, b) => a + b, 0) - 3 * tail)} ms (vs the mean of runs 4+ ${tail.toFixed(0)} ms); peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
  );
  if (job.threads) lines.push(threadCpu());
  console.log(job.quiet ? lines.slice(job.threads ? -2 : -1).join('\n') : lines.join('\n'));
  process.exit(0);
}

const { expandSweep, loadSweepFile, backtestBackend, BACKTEST_BACKEND_MODULE } = await import(dist('experiments'));
const { RUN_PROCESS_FLAGS, RUN_PROCESS_ENV } = await import(join(REPO, 'packages/experiments/dist/run-process.js'));
const dir = mkdtempSync('/tmp/chassis-quick-sweep/first-run-');
const root = join(dir, 'data');
cpSync(SEED, root, { recursive: true, filter: (src) => !src.endsWith('/experiments') && !src.endsWith('/complete') });
const strategy = join(REPO, 'examples/strategies/market-maker.ts');
writeFileSync(
  join(dir, 'run.yaml'),
  `data: { venue: binance-usdm, instrument: BTCUSDT }\nstrategy:\n  module: ${strategy}\n  params: { spreadTicks: 2, qty: 1 }\nseed: 1\n`,
);
writeFileSync(
  join(dir, 'sweep.yaml'),
  'base: run.yaml\ngrid: { strategy.params.spreadTicks: [1, 2, 3, 4], strategy.params.qty: [1, 2] }\n',
);
const sweep = loadSweepFile(join(dir, 'sweep.yaml'));
const experiment = await expandSweep(sweep, backtestBackend, { dataRoot: root, baseDir: sweep.baseDir });
if (args.profile) mkdirSync(args.profile, { recursive: true });
const job = {
  quiet: args.quiet,
  backendModule: BACKTEST_BACKEND_MODULE,
  ctx: { dataRoot: root, baseDir: sweep.baseDir },
  members: experiment.members
    .slice(0, Number(args.runs ?? 8))
    .map((m) => ({ runId: m.runId, definition: m.definition })),
  prewarm: args.prewarm,
  profile: args.profile,
  bundle: args.bundle,
  threads: args.threads,
  mark: args.mark,
  strategy,
};
const flags = [
  ...(args.base === '0' ? [] : RUN_PROCESS_FLAGS),
  ...(args.flags ? args.flags.split(',') : []),
];
const child = fork(fileURLToPath(import.meta.url), [], {
  execArgv: flags,
  env: {
    ...process.env,
    ...RUN_PROCESS_ENV,
    SWEEP_FIRST_RUN_CHILD: JSON.stringify(job),
  },
});
const t0 = performance.now();
await new Promise((resolve) => child.on('exit', resolve));
console.log(
  `child wall ${ms(performance.now() - t0)} ms (flags ${flags.join(' ')}; prewarm ${args.prewarm ?? 'none'})`,
);
rmSync(dir, { recursive: true, force: true });
