// Runs the Binance USD-M emulator on loopback until killed and prints its URLs and the test
// credentials as JSON (the README's no-internet walkthrough):
//   node --import tsx test/binance-usdm-emulator/serve.ts [speed] [port]
import { startBinanceUsdmEmulator } from './index.ts';

const speedArg = process.argv[2] ?? '1';
const portArg = process.argv[3];
const emulator = await startBinanceUsdmEmulator({
  speed: speedArg === 'max' ? 'max' : Number(speedArg),
  ...(portArg !== undefined ? { port: Number(portArg) } : {}),
});
const { restBaseUrl, wsBaseUrl, userStreamBaseUrl, apiKey, apiSecret } = emulator;
process.stdout.write(
  `${JSON.stringify({ venue: 'binance-usdm', restBaseUrl, wsBaseUrl, userStreamBaseUrl, apiKey, apiSecret })}\n`,
);
process.stdout.write(`export CHASSIS_BINANCE_API_KEY=${apiKey} CHASSIS_BINANCE_API_SECRET=${apiSecret}\n`);
const stop = (): void => void emulator.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
