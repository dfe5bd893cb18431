/** Record, promote, import-compare and backtest Hyperliquid BTC from the hftbacktest capture hyperliquid_btcusd_20250126 (l2Book, trades; bbo derived by the server). */
import { describeVenueRecording } from './breadth-recording.ts';

describeVenueRecording({ venue: 'hyperliquid', instrument: 'BTC', kinds: ['bbo', 'book_delta', 'trade'] });
