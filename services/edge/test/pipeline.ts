// The edge in front of the real consumers (sms-stop, optout, dns, complaint) on real Kafka and a
// PostgreSQL database of the test's own: what a person sees (the list) after an HTTP request.
import { startComplaintConsumer } from '@sp/complaint-consumer';
import { Topics } from '@sp/contracts';
import { startDnsConsumer } from '@sp/dns-consumer';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { type ServiceUnderTest, startServiceUnderTest } from '@sp/runtime/testing';
import { startSmsStopConsumer } from '@sp/sms-stop-consumer';
import { freshDatabase, testInfra, uniqueName } from '@sp/testing';
import type { EdgeDeps } from '../src/deps';
import { startEdge, type TestEdge } from './helpers';

export interface Pipeline {
  edge: TestEdge;
  svc: ServiceUnderTest;
  /** The broker name of a catalog topic of this pipeline. */
  topic(name: string): string;
  close(): Promise<void>;
}

export async function startPipeline(
  env: Record<string, string> = {},
  extra: Pick<EdgeDeps, 'fetchCertificate' | 'httpGet'> = {},
): Promise<Pipeline> {
  const svc = await startServiceUnderTest({
    service: 'edge-pipeline',
    brokers: testInfra().kafkaBrokers,
    database: await freshDatabase('sp_edge'),
    start: (r) =>
      Promise.all([
        startSmsStopConsumer(r, { groupId: uniqueName('sms-stop') }),
        startOptoutConsumer(r, { groupId: uniqueName('optout') }),
        startDnsConsumer(r, { groupId: uniqueName('dns') }),
        startComplaintConsumer(r, { groupId: uniqueName('complaint') }),
      ]),
  });
  const topic = (name: string) => `${svc.prefix}${name}`;
  const edge = await startEdge(env, extra, {
    emailOptOut: topic(Topics.emailOptOut),
    smsInbound: topic(Topics.smsInbound),
    doNotSell: topic(Topics.doNotSell),
    complaint: topic(Topics.complaint),
    bounce: topic(Topics.bounce),
  });
  return {
    edge,
    svc,
    topic,
    close: async () => {
      await edge.close();
      await svc.close();
    },
  };
}
