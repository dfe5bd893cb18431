/** Record, promote (sequence_num continuous), import-compare and backtest Coinbase Advanced Trade BTC-USD from the documentation fixture coinbase-advanced-btcusd.raw.jsonl (no real capture exists). */
import { describeVenueRecording } from './breadth-recording.ts';

describeVenueRecording({ venue: 'coinbase', instrument: 'BTC-USD', kinds: ['bbo', 'book_delta', 'trade'] });
