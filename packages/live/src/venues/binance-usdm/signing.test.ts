import { inspect } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  BinanceCredentials,
  LOG_REDACT_PATHS,
  credentialsFromEnv,
  encodeParams,
  hmacSha256Hex,
  redactSignature,
  signedParams,
} from './signing.ts';

// Binance USDⓈ-M Futures API docs, General Info, "SIGNED Endpoint Examples for POST /fapi/v1/order"
// (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info): the
// published key pair (documentation values, not credentials), parameters and signature.
const DOC_API_KEY = 'dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83';
const DOC_SECRET = '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9';
const DOC_TOTAL_PARAMS =
  'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943';
const DOC_SIGNATURE = '3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9';

describe('Binance request signing', () => {
  it("reproduces the signature of Binance's documented example", () => {
    expect(hmacSha256Hex(DOC_SECRET, DOC_TOTAL_PARAMS)).toBe(DOC_SIGNATURE);
  });

  it('signs the documented parameters in the documented order with recvWindow and timestamp last', () => {
    const creds = new BinanceCredentials(DOC_API_KEY, DOC_SECRET);
    const params = [
      ['symbol', 'BTCUSDT'],
      ['side', 'BUY'],
      ['type', 'LIMIT'],
      ['quantity', '1'],
      ['price', '9000'],
      ['timeInForce', 'GTC'],
    ] as const;
    expect(signedParams(params, creds, 1591702613943, 5000)).toBe(`${DOC_TOTAL_PARAMS}&signature=${DOC_SIGNATURE}`);
  });

  it('percent-encodes values so the signed text is exactly the sent text', () => {
    expect(
      encodeParams([
        ['origClientOrderId', 'ch0a/b:c'],
        ['symbol', 'BTCUSDT'],
      ]),
    ).toBe('origClientOrderId=ch0a%2Fb%3Ac&symbol=BTCUSDT');
  });

  it('removes the signature from a logged request line', () => {
    expect(redactSignature(`POST /fapi/v1/order?${DOC_TOTAL_PARAMS}&signature=${DOC_SIGNATURE}`)).toBe(
      `POST /fapi/v1/order?${DOC_TOTAL_PARAMS}&signature=[redacted]`,
    );
  });
});

describe('Binance credentials', () => {
  it('are read from CHASSIS_BINANCE_API_KEY and CHASSIS_BINANCE_API_SECRET', () => {
    const creds = credentialsFromEnv({ CHASSIS_BINANCE_API_KEY: DOC_API_KEY, CHASSIS_BINANCE_API_SECRET: DOC_SECRET });
    expect(creds.apiKey()).toBe(DOC_API_KEY);
    expect(creds.sign(DOC_TOTAL_PARAMS)).toBe(DOC_SIGNATURE);
  });

  it('missing ones are E_CREDENTIALS_MISSING naming the variable', () => {
    expect(() => credentialsFromEnv({ CHASSIS_BINANCE_API_KEY: 'k' })).toThrow(/CHASSIS_BINANCE_API_SECRET/);
    expect(() => credentialsFromEnv({ CHASSIS_BINANCE_API_SECRET: 's' })).toThrow(
      expect.objectContaining({ code: 'E_CREDENTIALS_MISSING' }),
    );
  });

  it('never render the key or secret in text, JSON, inspect or a pino log line', () => {
    const creds = new BinanceCredentials(DOC_API_KEY, DOC_SECRET);
    const lines: string[] = [];
    const log = pino({ redact: [...LOG_REDACT_PATHS] }, { write: (l: string) => lines.push(l) });
    log.info(
      {
        creds,
        key: DOC_API_KEY,
        secret: DOC_SECRET,
        signature: DOC_SIGNATURE,
        req: { headers: { 'x-mbx-apikey': DOC_API_KEY } },
      },
      'request',
    );
    for (const text of [String(creds), JSON.stringify({ creds }), inspect({ creds }), lines.join('')]) {
      expect(text).not.toContain(DOC_SECRET);
      expect(text).not.toContain(DOC_API_KEY);
      expect(text).not.toContain(DOC_SIGNATURE);
    }
  });
});
