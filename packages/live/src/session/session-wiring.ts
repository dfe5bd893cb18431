/**
 * The wiring `chassis paper` and `chassis live` use by default: which market input and which
 * venue adapter a session gets for its mode and venue. Each piece is the part of the package
 * that owns it; a piece not in this build is refused with a message naming it.
 */
import { ChassisError } from '@chassis/core';
import type { SessionWiring, WiringContext } from './run-session.ts';

function unavailable(what: string, c: WiringContext): never {
  throw new ChassisError('E_LIVE_UNAVAILABLE', `${what} for ${c.config.venue} is not available in this build of chassis (${c.mode} mode)`, { exitCode: 2 });
}

export function defaultWiring(): SessionWiring {
  return {
    marketInput: (c) => unavailable('the live market input', c),
    adapter: (c) => unavailable(c.mode === 'paper' ? 'the paper venue' : 'a live venue adapter', c),
  };
}
