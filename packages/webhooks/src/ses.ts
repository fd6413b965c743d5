// The SES v2 adapter of the provider sync: the account-level suppression list.
// Mapping (SES knows only BOUNCE and COMPLAINT): a hard bounce is BOUNCE; any other email/all entry
// (admin, partner seed) is BOUNCE too, as SES then treats the address as not to be mailed at all;
// a complaint, an unsubscribe (one-click, opt-out box) or an admin marketing entry is COMPLAINT —
// the person does not want the mail, which is what SES's COMPLAINT means; BOUNCE would wrongly
// report the address as undeliverable. Only whole-brand scopes are mirrored (topic '*'): SES has
// no topics, and a one-newsletter opt-out must not stop every other mail.
import {
  DeleteSuppressedDestinationCommand,
  GetSuppressedDestinationCommand,
  NotFoundException,
  PutSuppressedDestinationCommand,
  type SESv2Client,
} from '@aws-sdk/client-sesv2';
import type { ProviderAdapter } from './provider-sync';

export type SesPurpose = 'all' | 'marketing';

export function sesSuppressionAdapter(
  client: SESv2Client,
  opts: { purposes?: SesPurpose[] } = {},
): ProviderAdapter {
  const purposes = new Set<string>(opts.purposes ?? ['all', 'marketing']);
  return {
    name: 'ses',
    reasonFor(e) {
      if (e.channel !== 'email' || e.topic !== '*' || !purposes.has(e.purpose)) return null;
      if (e.reason === 'complaint') return 'COMPLAINT';
      return e.purpose === 'all' ? 'BOUNCE' : 'COMPLAINT';
    },
    async holds(address) {
      try {
        await client.send(new GetSuppressedDestinationCommand({ EmailAddress: address }));
        return true;
      } catch (err) {
        if (err instanceof NotFoundException) return false;
        throw err;
      }
    },
    async put(address, reason) {
      await client.send(
        new PutSuppressedDestinationCommand({
          EmailAddress: address,
          Reason: reason as 'BOUNCE' | 'COMPLAINT',
        }),
      );
    },
    async remove(address) {
      try {
        await client.send(new DeleteSuppressedDestinationCommand({ EmailAddress: address }));
      } catch (err) {
        if (!(err instanceof NotFoundException)) throw err;
      }
    },
  };
}
