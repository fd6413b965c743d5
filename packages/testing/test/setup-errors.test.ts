// The setup's own error path: when the broker or the database the environment names is not
// there, the run fails with a message saying what to do, and never silently skips.
import { describe, expect, it } from 'vitest';
import { freePort, InfraUnavailableError, resolveKafka, resolvePostgresServer } from '../src/index';

describe('test infrastructure resolution', () => {
  it('fails with a clear message when KAFKA_BROKERS points at no broker', async () => {
    const port = await freePort();
    const err = await resolveKafka({ KAFKA_BROKERS: `127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraUnavailableError);
    expect(String((err as Error).message)).toMatch(/no Kafka broker answers there/);
  });

  it('fails with a clear message when DATABASE_URL points at no PostgreSQL', async () => {
    const port = await freePort();
    const err = await resolvePostgresServer({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/x`,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraUnavailableError);
    expect(String((err as Error).message)).toMatch(/PostgreSQL does not answer/);
  });

  it('says what to install when there is no PostgreSQL at all', async () => {
    const port = await freePort();
    const err = await resolvePostgresServer({
      LOCAL_POSTGRES_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraUnavailableError);
    expect(String((err as Error).message)).toMatch(/Install and start PostgreSQL/);
  });
});
