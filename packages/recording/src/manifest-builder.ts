/** The Dataset Manifest of a closed window, from what the writer (or recovery) knows of it. */
import { readFileSync } from 'node:fs';
import type { DatasetManifest } from '@chassis/quality';
import type { OpenWindowState } from './open-window.ts';
import type { PartFileSummary } from './raw-part-file.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
/** Version of @chassis/recording, written into every manifest. */
export const RECORDER_VERSION: string = pkg.version;

export type WindowAccount = Pick<OpenWindowState, 'venue' | 'feed' | 'symbols' | 'session' | 'host' | 'window' | 'firstCaptureNs' | 'lastCaptureNs' | 'gaps' | 'connectionEvents' | 'connectionIds'>;

export function buildManifest(w: WindowAccount, files: readonly PartFileSummary[], completeness: DatasetManifest['completeness']): DatasetManifest {
  return {
    format: 'chassis-manifest-v1',
    venue: w.venue,
    feed: w.feed,
    // The reader renames the records to this name: it must be the canonical, path-safe one the
    // formats give (Kraken's venue symbol BTC/USD is the instrument BTC-USD, formats/kraken.ts).
    ...(w.symbols.length === 1 ? { instrument: w.symbols[0]!.replaceAll('/', '-') } : {}),
    symbols: w.symbols,
    window: w.window,
    files: files.map((f) => ({ key: f.key, sha256: f.sha256, bytes: f.bytes, messages: f.messages })),
    messages: files.reduce((n, f) => n + f.messages, 0),
    ...(w.firstCaptureNs !== undefined ? { firstCaptureNs: w.firstCaptureNs } : {}),
    ...(w.lastCaptureNs !== undefined ? { lastCaptureNs: w.lastCaptureNs } : {}),
    completeness,
    gaps: w.gaps,
    connectionEvents: w.connectionEvents,
    capture: { session: w.session, connectionIds: w.connectionIds, recorderVersion: RECORDER_VERSION, host: w.host },
  };
}
