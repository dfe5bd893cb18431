// Where the repository is (compiled or not, this file sits two levels below packages/cli): the
// bundled demo capture and example strategies are found from here.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const DEMO_CAPTURE = join(REPO_ROOT, 'examples/data/binance-hftbacktest/usdm_btcusdt_20240808.gz');
