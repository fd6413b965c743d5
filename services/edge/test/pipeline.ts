// The edge in front of all four list consumers (sms-stop, optout, dns, complaint): what a person
// sees (the list) after an HTTP request, whatever the ingress.
import { startComplaintConsumer } from '@sp/complaint-consumer';
import { startDnsConsumer } from '@sp/dns-consumer';
import { startOptoutConsumer } from '@sp/optout-consumer';
import { startSmsStopConsumer } from '@sp/sms-stop-consumer';
import { uniqueName } from '@sp/testing';
import type { EdgeDeps } from '../src/deps';
import { type EdgeOnList, startEdgeOnList } from './helpers';

export type Pipeline = EdgeOnList;

export function startPipeline(
  env: Record<string, string> = {},
  extra: Pick<EdgeDeps, 'fetchCertificate' | 'httpGet'> = {},
): Promise<Pipeline> {
  return startEdgeOnList(
    'edge-pipeline',
    (r) =>
      Promise.all([
        startSmsStopConsumer(r, { groupId: uniqueName('sms-stop') }),
        startOptoutConsumer(r, { groupId: uniqueName('optout') }),
        startDnsConsumer(r, { groupId: uniqueName('dns') }),
        startComplaintConsumer(r, { groupId: uniqueName('complaint') }),
      ]),
    env,
    extra,
  );
}
