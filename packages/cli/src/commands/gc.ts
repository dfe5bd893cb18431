// `chassis gc`: removes what killed processes left in a local data root (abandoned staging,
// failed runs), never a completed run or anything whose writer still runs.
import type { Command } from 'commander';
import { ChassisError } from '@chassis/core';
import type { GcItem } from '@chassis/storage';

const DONE: Readonly<Record<GcItem['action'], string>> = { remove: 'removed', restore: 'restored', keep: 'kept' };
const PLANNED: Readonly<Record<GcItem['action'], string>> = { remove: 'would remove', restore: 'would restore', keep: 'would keep' };

function line(item: GcItem, verbs: Readonly<Record<GcItem['action'], string>>): string {
  const target = item.action === 'restore' ? `${item.path} → ${item.restoreTo}` : item.path;
  return `${verbs[item.action]} ${target}  (${item.reason})\n`;
}

export function register(program: Command): void {
  program
    .command('gc')
    .description('Remove abandoned staging directories and failed runs that killed processes left in the data root')
    .option('--data <dir>', 'data root (default: $CHASSIS_DATA or ./data)')
    .option('--dry-run', 'list what would be removed, remove nothing')
    .action(async (flags: { data?: string; dryRun?: boolean }) => {
      const { applyGcItem, resolveDataRoot, storageGcItems } = await import('@chassis/storage');
      const { runGcItems } = await import('@chassis/backtesting');
      const dataRoot = resolveDataRoot(flags.data);
      if (dataRoot.startsWith('s3://')) throw new ChassisError('E_USAGE', `chassis gc works on a local data root; ${dataRoot} is an object store`, { exitCode: 2 });
      const nowMs = Date.now();
      const items = [...storageGcItems(dataRoot, nowMs), ...runGcItems(dataRoot, nowMs)];
      for (const item of items) {
        if (!flags.dryRun) applyGcItem(dataRoot, item);
        process.stdout.write(line(item, flags.dryRun ? PLANNED : DONE));
      }
      const count = (action: GcItem['action']) => items.filter((i) => i.action === action).length;
      const verb = flags.dryRun ? 'would remove' : 'removed';
      const restored = count('restore') > 0 ? `, ${flags.dryRun ? 'would restore' : 'restored'} ${count('restore')}` : '';
      process.stdout.write(`gc: ${verb} ${count('remove')}${restored}, kept ${count('keep')} in use or of unknown owner\n`);
    });
}
