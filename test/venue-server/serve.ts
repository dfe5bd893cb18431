// Serves one venue of the test venue server on loopback until killed, printing its base URLs:
//   node --import tsx test/venue-server/serve.ts binance-usdm [speed]
// For trying `chassis record --endpoint … --rest-endpoint …` by hand without internet.
import { startVenueServer } from './index.ts';

const venue = process.argv[2] ?? 'binance-usdm';
const speedArg = process.argv[3] ?? '5';
const speed = speedArg === 'max' ? 'max' : Number(speedArg);
const server = await startVenueServer({ venue: venue as Parameters<typeof startVenueServer>[0]['venue'], speed });
process.stdout.write(`${JSON.stringify({ venue, ws: server.wsBaseUrl, rest: server.restBaseUrl })}\n`);
const stop = (): void => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
