import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
    databaseUrl: string;
    postgresServerUrl: string;
  }
}

/** The Kafka bootstrap address and PostgreSQL URLs the global setup chose for this run. */
export function testInfra() {
  return {
    kafkaBrokers: inject('kafkaBrokers'),
    databaseUrl: inject('databaseUrl'),
    postgresServerUrl: inject('postgresServerUrl'),
  };
}
