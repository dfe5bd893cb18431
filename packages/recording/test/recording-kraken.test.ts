/** Record, promote (every CRC32 book checksum verified), import-compare and backtest Kraken v2 BTC/USD from the documentation fixture kraken-v2-btcusd.jsonl (no real capture exists). */
import { describeVenueRecording } from './breadth-recording.ts';

describeVenueRecording({ venue: 'kraken', instrument: 'BTC-USD', symbol: 'BTC/USD', kinds: ['bbo', 'book_delta', 'trade'] });
