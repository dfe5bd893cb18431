import { runBacktest } from './src/run.ts';
const [root, repeat = '1', queue = 'conservative'] = process.argv.slice(2);
const venue = queue === 'prob' ? { queue: { model: 'probabilistic', family: 'power', parameter: 2 } } : {};
const t = performance.now();
const r = await runBacktest({ definition: { data: { venue: 'binance-usdm', instrument: 'BTCUSDT' }, strategy: { module: 'examples/strategies/market-maker.ts', params: { spreadTicks: 2, qty: 1 } }, seed: 1, venue, output: { dir: '/tmp/bt/out' } }, baseDir: process.cwd(), dataRoot: root!, codeVersion: 'chassis@dev', repeat: Number(repeat) });
console.log(r.status, r.events, r.marketEvents, r.fills, r.metrics.throughput, 'total ms', performance.now() - t, 'rss MB', process.memoryUsage().rss / 1e6);
