// Entry of the run child's bundle (scripts/build-dist.mjs bundleRunProcess, run-process.ts): the
// backtest backend, registered under its per-file module URL, then the child's own entry. Static
// imports evaluate in this order, so the backend is in place before the entry loads its preload.
import './run-process-preload.ts';
import './run-process-entry.ts';

// For bench/quick/sweep-first-run.mjs, which runs the bundle's backend in its own process.
export { loadRunBackend } from './run-backend.ts';
