/** Child process for the concurrent-import test: imports argv[3] into the data root argv[2], prints dataset ids and outcomes as JSON. */
// @ts-nocheck

import { openStorage } from '@chassis/storage';
import { importCapture } from '@chassis/quality';

const [root, file] = process.argv.slice(2) as [string, string];
const r = await importCapture(openStorage(root), file);
process.stdout.write(JSON.stringify(r.datasets.map((d) => ({ id: d.meta.id, outcome: d.outcome, version: d.meta.version }))));
