/** Record, promote, import-compare and backtest Deribit BTC-24SEP21-8000-P from cryptofeed DERIBIT.ws.1.0 (book and ticker on .100ms; the 30 s capture holds no trade notification). */
import { describeVenueRecording } from './breadth-recording.ts';

describeVenueRecording({ venue: 'deribit', instrument: 'BTC-24SEP21-8000-P', kinds: ['bbo', 'book_delta'] });
