import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, csv, flag, keyRing, parseEnv, port } from '../src/index';

describe('parseEnv', () => {
  const Schema = z.object({
    KAFKA_BROKERS: csv,
    PORT: port.default(8080),
    DEBUG: flag.default(false),
    PEPPER: keyRing,
  });

  it('parses lists, ports, flags and key rings', () => {
    const cfg = parseEnv(Schema, {
      KAFKA_BROKERS: 'a:1, b:2,',
      DEBUG: 'yes',
      PEPPER: 'k2:0123456789abcdef0123,k1:abcdefabcdefabcdef',
    });
    expect(cfg).toEqual({
      KAFKA_BROKERS: ['a:1', 'b:2'],
      PORT: 8080,
      DEBUG: true,
      PEPPER: { currentKeyId: 'k2', keys: { k2: '0123456789abcdef0123', k1: 'abcdefabcdefabcdef' } },
    });
  });

  it('names every bad variable in one error', () => {
    const err = (() => {
      try {
        parseEnv(Schema, { PORT: 'x', PEPPER: 'nokey' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('KAFKA_BROKERS');
    expect(msg).toContain('PORT');
    expect(msg).toContain('PEPPER');
  });
});
