/** Record, promote, import-compare and backtest BitMEX XBTUSD from cryptofeed BITMEX.ws.1.0 (orderBookL2, quote, trade). */
import { describeVenueRecording } from './breadth-recording.ts';

describeVenueRecording({ venue: 'bitmex', instrument: 'XBTUSD', kinds: ['bbo', 'book_delta', 'trade'] });
