// What the kit's acceptance tests (issue 17) share: keys, topics, a signed Twilio webhook.
import { randomBytes } from 'node:crypto';
import { Topics } from '@sp/contracts';
import { createTopic } from '@sp/testing';

export { type ServiceProcess, startProcess } from '@sp/testing';

import twilio from 'twilio';

/** Keys the edge and the consumers share (the subject keys and the sealed events must agree). */
export function sharedSecrets() {
  return {
    SUBJECT_PEPPERS: `p1:${randomBytes(32).toString('base64url')}`,
    EVENT_KEYS: `e1:${randomBytes(32).toString('base64')}`,
    TOKEN_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
    DNS_API_TOKEN: randomBytes(16).toString('hex'),
  };
}

/** Every catalog topic under `prefix` (what infra/topics/create-topics.sh makes in production). */
export async function makeAllTopics(brokers: string, prefix: string): Promise<void> {
  await Promise.all(
    Object.values(Topics).map((t) =>
      createTopic(brokers, '', { name: `${prefix}${t}`, partitions: t === Topics.changelog ? 1 : 2 }),
    ),
  );
}

/** A signed Twilio inbound-message webhook, as Twilio posts it to the edge. */
export function postTwilioSms(
  edgeUrl: string,
  publicBaseUrl: string,
  authToken: string,
  msg: { sid: string; from: string; body: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  const params = {
    AccountSid: 'AC00000000000000000000000000000000',
    MessageSid: msg.sid,
    From: msg.from,
    To: '+18005550100',
    Body: msg.body,
  };
  const signature = twilio.getExpectedTwilioSignature(authToken, `${publicBaseUrl}/twilio/sms`, params);
  return fetch(`${edgeUrl}/twilio/sms`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signature,
      ...headers,
    },
    body: new URLSearchParams(params).toString(),
  });
}
