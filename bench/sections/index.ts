// The benchmark registry: add a section by importing it and appending it here. Order = run order.
import type { BenchSection } from '../types.ts';
import { rawScanSection } from './raw-scan.ts';
import { coreStep } from './core-step.ts';
import { metricsOverhead } from './metrics-overhead.ts';
import { importParse } from './import-parse.ts';
import { importSection } from './import.ts';
import { canonicalRead } from './canonical-read.ts';
import { bookBuild } from './book-build.ts';
import { matching } from './matching.ts';
import { fullBacktest } from './full-backtest.ts';
import { sweepScaling } from './sweep-scaling.ts';
import { sweepQueue } from './sweep-queue.ts';
import { scaling } from './scaling.ts';
import { syntheticDaySection } from './synthetic-day.ts';
import { reportGeneration } from './report-generation.ts';
import { recordSection } from './record.ts';
import { startup } from './startup.ts';
import { liveTickToRequest } from './live-tick-to-request.ts';

export const sections: readonly BenchSection[] = [
  rawScanSection,
  canonicalRead,
  bookBuild,
  matching,
  coreStep,
  fullBacktest,
  scaling,
  syntheticDaySection,
  // Also run inside `scaling`; alone only when named.
  { ...sweepScaling, optIn: true },
  // Needs redis-server; alone only when named.
  { ...sweepQueue, optIn: true },
  importParse,
  importSection,
  metricsOverhead,
  reportGeneration,
  recordSection,
  startup,
  liveTickToRequest,
];
