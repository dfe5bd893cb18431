import { describe, expect, it } from 'vitest';
import { FeedHealth } from './feed-health.ts';

type Change = [string, 'degraded' | 'restored'];

function tracker(hasBook: boolean): { health: FeedHealth; changes: Change[] } {
  const changes: Change[] = [];
  const health = new FeedHealth(['v:A', 'v:B'], hasBook, (id, state) => changes.push([id, state]));
  return { health, changes };
}

describe('FeedHealth', () => {
  it('reports degraded once per instrument however many signs follow', () => {
    const { health, changes } = tracker(true);
    health.degrade('v:A', 'silent');
    health.degrade('v:A', 'gap');
    health.settle();
    expect(changes).toEqual([['v:A', 'degraded']]);
  });

  it('degrades every instrument of the feed for a feed-wide sign', () => {
    const { health, changes } = tracker(true);
    health.degrade(null, 'reconnect-scheduled');
    expect(changes).toEqual([
      ['v:A', 'degraded'],
      ['v:B', 'degraded'],
    ]);
  });

  it('restores a book instrument only once a snapshot was applied after its book was lost', () => {
    const { health, changes } = tracker(true);
    health.snapshotApplied('v:A');
    health.bookLost('v:A', 'gap');
    health.bookSynced('v:A', 'synced'); // the connector's sync, but the mapper's book is still out of sync
    health.settle();
    expect(changes).toEqual([['v:A', 'degraded']]);
    health.snapshotApplied('v:A');
    health.settle();
    expect(changes).toEqual([
      ['v:A', 'degraded'],
      ['v:A', 'restored'],
    ]);
  });

  it('restores a book that never lost sync on the next completed book sync, not on market data alone', () => {
    const { health, changes } = tracker(true);
    health.snapshotApplied('v:A');
    health.degrade('v:A', 'silent');
    health.marketData('v:A');
    health.settle();
    expect(changes).toEqual([['v:A', 'degraded']]);
    health.bookSynced('v:A', 'synced');
    health.settle();
    expect(changes).toEqual([
      ['v:A', 'degraded'],
      ['v:A', 'restored'],
    ]);
  });

  it('forgets evidence gathered before a later degradation', () => {
    const { health, changes } = tracker(false);
    health.degrade('v:A', 'silent');
    health.marketData('v:A');
    health.degrade('v:A', 'gap');
    health.settle();
    expect(changes).toEqual([['v:A', 'degraded']]);
  });

  it('restores a trade and quote feed on the first market record after the degradation', () => {
    const { health, changes } = tracker(false);
    health.degrade(null, 'silent');
    health.marketData('v:B');
    health.settle();
    expect(changes).toEqual([
      ['v:A', 'degraded'],
      ['v:B', 'degraded'],
      ['v:B', 'restored'],
    ]);
  });
});
