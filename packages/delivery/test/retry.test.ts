import { describe, expect, it } from 'vitest';
import { backoffMs, classifySesError, classifyTwilioError } from '../src/index';

const sesError = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

describe('retry classification', () => {
  it('SES: throttling and 5xx retried; rejected messages failed with the reason', () => {
    expect(classifySesError(sesError('TooManyRequestsException', 429)).retry).toBe(true);
    expect(classifySesError(sesError('LimitExceededException', 400)).retry).toBe(true);
    expect(classifySesError(sesError('InternalFailure', 500)).retry).toBe(true);
    expect(classifySesError(new Error('socket hang up')).retry).toBe(true);
    const rejected = classifySesError(sesError('MessageRejected', 400));
    expect(rejected).toMatchObject({ retry: false, code: 'MessageRejected' });
    expect(rejected.reason).toMatch(/rejected: MessageRejected/);
  });

  it('Twilio: 429 and 5xx retried; 21610 is an opt-out (R-SMS-7); other 4xx failed', () => {
    expect(classifyTwilioError({ status: 429, code: 20429, message: 'Too Many' }).retry).toBe(true);
    expect(classifyTwilioError({ status: 503, code: 20500, message: 'down' }).retry).toBe(true);
    expect(classifyTwilioError(new Error('ECONNRESET')).retry).toBe(true);
    expect(classifyTwilioError({ status: 400, code: 21610, message: 'unsubscribed' })).toMatchObject({
      retry: false,
      optOut: true,
      code: 21610,
    });
    expect(classifyTwilioError({ status: 400, code: 21211, message: 'invalid To' })).toMatchObject({
      retry: false,
      code: 21211,
    });
  });

  it('backoff grows and is capped', () => {
    const b = { baseMs: 1000, maxMs: 5000 };
    const mid = () => 0.5;
    expect(backoffMs(1, b, mid)).toBe(1000);
    expect(backoffMs(2, b, mid)).toBe(2000);
    expect(backoffMs(10, b, mid)).toBe(5000);
  });
});
