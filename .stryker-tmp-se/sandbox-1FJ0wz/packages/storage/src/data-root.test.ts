// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { resolveDataRoot } from './data-root.ts';

describe('data root resolution', () => {
  it('prefers --data over CHASSIS_DATA over ./data', () => {
    expect(resolveDataRoot('/x/flag', { CHASSIS_DATA: '/x/env' })).toBe('/x/flag');
    expect(resolveDataRoot(undefined, { CHASSIS_DATA: '/x/env' })).toBe('/x/env');
    expect(resolveDataRoot(undefined, {})).toBe(resolve('./data'));
  });
  it('keeps s3:// roots as urls', () => {
    expect(resolveDataRoot('s3://bucket/prefix', {})).toBe('s3://bucket/prefix');
  });
});
