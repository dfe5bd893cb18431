import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSigned, hmacSha256Hex, signaturePayload } from './signed-request.ts';

const docs = JSON.parse(readFileSync(new URL('./fixtures/signed-request-examples.json', import.meta.url), 'utf8')) as {
  apiKey: string;
  secretKey: string;
  timestamp: number;
  example1QueryString: string;
  example1Signature: string;
  example2RequestBody: string;
  example2Signature: string;
};
const creds = { apiKey: docs.apiKey, apiSecret: docs.secretKey };
const atDocsTime = docs.timestamp + 10;

describe('signed requests (USDⓈ-M General Info, SIGNED endpoint examples)', () => {
  it('computes the documented HMAC-SHA256 signature of the documented query string', () => {
    expect(hmacSha256Hex(docs.secretKey, docs.example1QueryString)).toBe(docs.example1Signature);
  });

  it('accepts the documented request sent as a query string', () => {
    const raw = {
      apiKeyHeader: docs.apiKey,
      query: `${docs.example1QueryString}&signature=${docs.example1Signature}`,
      body: '',
    };
    expect(checkSigned(raw, creds, atDocsTime)).toBeNull();
  });

  it('accepts the documented request sent as a form body', () => {
    const raw = {
      apiKeyHeader: docs.apiKey,
      query: '',
      body: `${docs.example2RequestBody}&signature=${docs.example2Signature}`,
    };
    expect(checkSigned(raw, creds, atDocsTime)).toBeNull();
  });

  it('accepts the signature in upper case (signatures are not case sensitive)', () => {
    const raw = {
      apiKeyHeader: docs.apiKey,
      query: `${docs.example1QueryString}&signature=${docs.example1Signature.toUpperCase()}`,
      body: '',
    };
    expect(checkSigned(raw, creds, atDocsTime)).toBeNull();
  });

  it('signs the query string concatenated with the body, with no separator', () => {
    const query = 'symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC';
    const body = 'quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943';
    const signature = hmacSha256Hex(docs.secretKey, `${query}${body}`);
    expect(signaturePayload({ query, body: `${body}&signature=${signature}` })).toEqual({
      totalParams: `${query}${body}`,
      signature,
    });
    expect(
      checkSigned({ apiKeyHeader: docs.apiKey, query, body: `${body}&signature=${signature}` }, creds, atDocsTime),
    ).toBeNull();
  });

  it.each([
    ['a changed parameter', docs.example1QueryString.replace('price=9000', 'price=9001')],
    ['a dropped parameter', docs.example1QueryString.replace('&recvWindow=5000', '')],
    ['reordered parameters', docs.example1QueryString.replace('side=BUY&type=LIMIT', 'type=LIMIT&side=BUY')],
  ])('refuses the documented signature over %s with -1022', (_, tampered) => {
    const raw = { apiKeyHeader: docs.apiKey, query: `${tampered}&signature=${docs.example1Signature}`, body: '' };
    expect(checkSigned(raw, creds, atDocsTime)).toMatchObject({ status: 400, code: -1022 });
  });

  it('refuses a signature made with another secret with -1022', () => {
    const raw = {
      apiKeyHeader: docs.apiKey,
      query: `${docs.example1QueryString}&signature=${hmacSha256Hex('not-the-secret', docs.example1QueryString)}`,
      body: '',
    };
    expect(checkSigned(raw, creds, atDocsTime)).toMatchObject({ code: -1022 });
  });

  it('refuses an unknown API key with HTTP 401 and -2015, and a missing one with -2014', () => {
    const query = `${docs.example1QueryString}&signature=${docs.example1Signature}`;
    expect(checkSigned({ apiKeyHeader: 'someone-else', query, body: '' }, creds, atDocsTime)).toMatchObject({
      status: 401,
      code: -2015,
    });
    expect(checkSigned({ apiKeyHeader: undefined, query, body: '' }, creds, atDocsTime)).toMatchObject({
      status: 401,
      code: -2014,
    });
  });

  it('applies the documented timing rule: timestamp < serverTime + 1000 and serverTime - timestamp <= recvWindow', () => {
    const raw = {
      apiKeyHeader: docs.apiKey,
      query: `${docs.example1QueryString}&signature=${docs.example1Signature}`,
      body: '',
    };
    const t = docs.timestamp;
    expect(checkSigned(raw, creds, t + 5000)).toBeNull();
    expect(checkSigned(raw, creds, t + 5001)).toMatchObject({ code: -1021 });
    expect(checkSigned(raw, creds, t - 999)).toBeNull();
    expect(checkSigned(raw, creds, t - 1000)).toMatchObject({ code: -1021 });
  });
});
