// The bundle's backtest backend, as loadRunBackend's answer for the URL the parent names it by:
// BACKTEST_BACKEND_MODULE, whose import.meta.url the bundle rewrites to the per-file module's URL.
import { BACKTEST_BACKEND_MODULE, backend } from './backtest-backend.ts';
import { providePreloadedBackend } from './run-backend.ts';

providePreloadedBackend(BACKTEST_BACKEND_MODULE, backend);
