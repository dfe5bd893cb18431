import { describe, expect, it } from 'vitest';
import { venueProtocol } from './protocol-registry.ts';

describe('venues that are importable but not yet recordable', () => {
  it.each(['kucoin'] as const)('%s has no connector: E_UNSUPPORTED_VENUE pointing to chassis import', (venue) => {
    expect(() => venueProtocol(venue)).toThrow(expect.objectContaining({ code: 'E_UNSUPPORTED_VENUE', message: expect.stringContaining('chassis import') }));
  });
});
