import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRunBackend, providePreloadedBackend, type RunBackend } from './run-backend.ts';

describe('loadRunBackend', () => {
  it('answers with the backend provided for a module URL without importing that module', async () => {
    const url = pathToFileURL('/nonexistent/chassis-test/backend.js').href;
    await expect(loadRunBackend(url)).rejects.toThrow(/Cannot find module|ERR_MODULE_NOT_FOUND/);
    const provided: RunBackend = {
      parse: (raw) => raw,
      runId: async () => 'r',
      findCompleted: async () => undefined,
      run: async () => ({ runId: 'r', status: 'completed', outDir: '/x', metrics: {} }),
    };
    providePreloadedBackend(url, provided);
    expect(await loadRunBackend(url)).toBe(provided);
    // Any other path is still imported.
    await expect(loadRunBackend(pathToFileURL('/nonexistent/chassis-test/other.js').href)).rejects.toThrow(/Cannot find module|ERR_MODULE_NOT_FOUND/);
  });
});
