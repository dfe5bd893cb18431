import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointLog, readCheckpoints } from './checkpoint-log.ts';
import { readConfigVersion, writeConfigVersion, writeReconciliationReport } from './session-reports.ts';

const digest = (n: number) => n.toString(16).padStart(64, '0');

describe('configuration versions', () => {
  it('are written once: the same content again is accepted, different content under the same version refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-'));
    writeConfigVersion(dir, 'v2', { risk: { maxOpenOrders: 4 }, limit: 10n });
    expect(readConfigVersion(dir, 'v2')).toEqual({ limit: '10', risk: { maxOpenOrders: 4 } });
    expect(() => writeConfigVersion(dir, 'v2', { risk: { maxOpenOrders: 4 }, limit: 10n })).not.toThrow();
    expect(() => writeConfigVersion(dir, 'v2', { risk: { maxOpenOrders: 5 } })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG_VERSION_EXISTS' }),
    );
  });

  it('refuses a version that is not a safe file name', () => {
    expect(() => writeConfigVersion(mkdtempSync(join(tmpdir(), 'session-')), '../v3', {})).toThrow(
      expect.objectContaining({ code: 'E_CONFIG_VERSION' }),
    );
  });
});

describe('reconciliation reports', () => {
  it('are numbered from 1 in the order they are written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'session-'));
    expect(writeReconciliationReport(dir, { outcome: 'matched' })).toBe(join(dir, 'reconciliation-1.json'));
    expect(writeReconciliationReport(dir, { outcome: 'mismatch', qtyUnits: 5n })).toBe(
      join(dir, 'reconciliation-2.json'),
    );
    expect(JSON.parse(readFileSync(join(dir, 'reconciliation-2.json'), 'utf8'))).toEqual({
      outcome: 'mismatch',
      qtyUnits: '5',
    });
  });
});

describe('checkpoints.jsonl', () => {
  it('reads back the checkpoints appended', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'session-')), 'checkpoints.jsonl');
    const log = CheckpointLog.create(path);
    log.append({ seq: 10, stateHash: 'h10', streamDigest: digest(10) });
    log.append({ seq: 20, stateHash: 'h20', streamDigest: digest(20) });
    log.close();
    expect(readCheckpoints(path).map((c) => c.seq)).toEqual([10, 20]);
  });

  it('refuses a checkpoint that does not follow the last one', () => {
    const log = CheckpointLog.create(join(mkdtempSync(join(tmpdir(), 'session-')), 'checkpoints.jsonl'));
    log.append({ seq: 10, stateHash: 'h', streamDigest: digest(1) });
    expect(() => log.append({ seq: 10, stateHash: 'h', streamDigest: digest(1) })).toThrow(/does not follow/);
    log.close();
  });

  it('on recovery cuts a torn final line and the checkpoints past the journal end, and appends after them', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'session-')), 'checkpoints.jsonl');
    const log = CheckpointLog.create(path);
    for (const seq of [10, 20, 30]) log.append({ seq, stateHash: `h${seq}`, streamDigest: digest(seq) });
    log.close();
    appendFileSync(path, '{"seq":40,"stateH');
    const { log: again, kept, dropped } = CheckpointLog.recover(path, 25);
    expect(kept.map((c) => c.seq)).toEqual([10, 20]);
    expect(dropped).toBe(1);
    again.append({ seq: 26, stateHash: 'h26', streamDigest: digest(26) });
    again.close();
    expect(readCheckpoints(path).map((c) => c.seq)).toEqual([10, 20, 26]);
  });

  it('names the file and line of a damaged line that is not the last', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'session-')), 'checkpoints.jsonl');
    appendFileSync(path, `{"seq":1,"stateHash":"h","streamDigest":"${digest(1)}"}\n{"seq":"x"}\n`);
    expect(() => readCheckpoints(path)).toThrow(new RegExp(`seq: .*\\(in ${path} line 2\\)`));
  });
});
