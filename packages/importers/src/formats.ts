// Each provider's export, read with its documented column (or JSON field) names, and its reasons
// mapped to our scopes (DESIGN.md "The list"): a bounce stays a bounce (email/all/*), a complaint a
// complaint (email/marketing/*), an unsubscribe an unsubscribe (email/marketing/*), a group or
// stream unsubscribe a topic unsubscribe (email/marketing/<topic>), an SMS opt-out sms/all/*.
// The documentation each one follows is named in test/fixtures/README.md.
import { type ImportEntry, type RawRecord, type ReasonCode, str, timestamp } from './entry';

export interface FormatOptions {
  /** Provider group / stream / tag / audience name or id -> our topic name. */
  topics?: Record<string, string>;
  /** SendGrid: the ASM group of a per-group export (GET /v3/asm/groups/{id}/suppressions). */
  group?: string;
  /** Postmark: the message stream the dump came from (the dump's rows do not say). */
  stream?: string;
  /** Mailchimp: the audience the export came from, as a topic; default every topic. */
  audience?: string;
}

export interface Format {
  provider: string;
  /** Where its records come from. */
  shape: 'csv' | 'json' | 'csv-or-json';
  /** Fields one of which every record of this format has (lower-cased). */
  identifier: string[];
  /** Fields the format must have besides (lower-cased); used to tell formats apart. */
  requires?: string[];
  /** What the user is told the format needs. */
  needs: string;
  map(r: RawRecord, o: FormatOptions): ImportEntry[] | string;
}

const get = (r: RawRecord, ...names: string[]) => {
  for (const n of names) {
    const v = str(r[n]);
    if (v !== undefined) return v;
  }
  return undefined;
};

type Scope = Pick<ImportEntry, 'channel' | 'purpose' | 'topic'> & { reasonCode: ReasonCode };
const HARD_BOUNCE: Scope = { channel: 'email', purpose: 'all', topic: '*', reasonCode: 'hard-bounce' };
const COMPLAINT: Scope = { channel: 'email', purpose: 'marketing', topic: '*', reasonCode: 'complaint' };
const UNSUBSCRIBE: Scope = { channel: 'email', purpose: 'marketing', topic: '*', reasonCode: 'email-optout' };
const SMS_STOP: Scope = { channel: 'sms', purpose: 'all', topic: '*', reasonCode: 'sms-stop' };

function email(
  provider: string,
  value: string | undefined,
  scope: Scope,
  reason: string,
  when: unknown,
): ImportEntry[] | string {
  if (!value) return 'no email address in this record';
  const at = timestamp(when);
  if (at === null) return `unreadable date '${String(when).slice(0, 40)}'`;
  return [{ subjectType: 'email', value, ...scope, reason, provider, ...(at ? { occurredAt: at } : {}) }];
}

const topicOf = (o: FormatOptions, ...names: Array<string | undefined>) => {
  for (const n of names) if (n !== undefined && o.topics?.[n]) return o.topics[n]!;
  return names.find((n) => n !== undefined) ?? '*';
};

const sendgridBounceLike =
  (list: string): Format['map'] =>
  (r) => {
    const status = get(r, 'status');
    // A 4.x.x status is a temporary failure: it does not suppress (R-AB-3).
    if (status && /^4\./.test(status)) return `temporary failure (status ${status}) is not a suppression`;
    const why = [get(r, 'status'), get(r, 'reason')].filter(Boolean).join(' ');
    return email(
      'sendgrid',
      get(r, 'email'),
      HARD_BOUNCE,
      `sendgrid ${list}${why ? `: ${why}` : ''}`,
      r.created,
    );
  };

const MAILCHIMP_SPAM = /spam|abuse|inappropriate/i;

/** Opt-out keywords of a Twilio message log's inbound Body (Twilio's default opt-out keywords). */
const TWILIO_OPT_OUT = /^(stop|stopall|unsubscribe|cancel|end|quit|revoke|optout|opt out)$/i;

export const FORMATS = {
  'sendgrid-bounces': {
    provider: 'sendgrid',
    shape: 'csv-or-json',
    identifier: ['email'],
    needs: 'email, created, reason, status (GET /v3/suppression/bounces or its CSV export)',
    map: sendgridBounceLike('bounce'),
  },
  'sendgrid-blocks': {
    provider: 'sendgrid',
    shape: 'csv-or-json',
    identifier: ['email'],
    needs: 'email, created, reason, status (GET /v3/suppression/blocks)',
    map: sendgridBounceLike('block'),
  },
  'sendgrid-invalid-emails': {
    provider: 'sendgrid',
    shape: 'csv-or-json',
    identifier: ['email'],
    needs: 'email, created, reason (GET /v3/suppression/invalid_emails)',
    map: sendgridBounceLike('invalid email'),
  },
  'sendgrid-spam-reports': {
    provider: 'sendgrid',
    shape: 'csv-or-json',
    identifier: ['email'],
    needs: 'email, created, ip (GET /v3/suppression/spam_reports)',
    map: (r) => email('sendgrid', get(r, 'email'), COMPLAINT, 'sendgrid spam report', r.created),
  },
  'sendgrid-unsubscribes': {
    provider: 'sendgrid',
    shape: 'csv-or-json',
    identifier: ['email'],
    needs: 'email, created (GET /v3/suppression/unsubscribes: global unsubscribes)',
    map: (r) => email('sendgrid', get(r, 'email'), UNSUBSCRIBE, 'sendgrid global unsubscribe', r.created),
  },
  'sendgrid-group-unsubscribes': {
    provider: 'sendgrid',
    shape: 'csv-or-json',
    identifier: ['email'],
    needs:
      'email, group_id, group_name, created_at (GET /v3/asm/suppressions), or a list of addresses with --group',
    map: (r, o) => {
      const id = get(r, 'group_id') ?? o.group;
      const name = get(r, 'group_name');
      if (id === undefined && name === undefined) return 'no group_id (give --group for a per-group export)';
      const topic = (id && o.topics?.[id]) || (name && o.topics?.[name]) || name || id!;
      const label = name ?? `group ${id}`;
      return email(
        'sendgrid',
        get(r, 'email'),
        { ...UNSUBSCRIBE, topic },
        `sendgrid group unsubscribe: ${label}`,
        r.created_at ?? r.created,
      );
    },
  },
  mailchimp: {
    provider: 'mailchimp',
    shape: 'csv',
    identifier: ['email address'],
    needs: 'Email Address and UNSUB_TIME (unsubscribed_members) or CLEAN_TIME (cleaned_members)',
    map: (r, o) => {
      const address = get(r, 'email address');
      const audience = o.audience ? topicOf(o, o.audience) : '*';
      if ('clean_time' in r) {
        const campaign = get(r, 'clean_campaign_title');
        return email(
          'mailchimp',
          address,
          HARD_BOUNCE,
          `mailchimp cleaned${campaign ? ` (campaign ${campaign})` : ''}`,
          r.clean_time,
        );
      }
      if ('unsub_time' in r) {
        const why = [get(r, 'unsub_reason'), get(r, 'unsub_reason_other')].filter(Boolean).join(': ');
        // Mailchimp unsubscribes a member who reports abuse; the reason is then the complaint.
        const scope = why && MAILCHIMP_SPAM.test(why) ? COMPLAINT : { ...UNSUBSCRIBE, topic: audience };
        return email(
          'mailchimp',
          address,
          scope,
          `mailchimp unsubscribed${why ? `: ${why}` : ''}`,
          r.unsub_time,
        );
      }
      return "neither UNSUB_TIME nor CLEAN_TIME: Mailchimp's subscribed members are not suppressions";
    },
  },
  postmark: {
    provider: 'postmark',
    shape: 'json',
    identifier: ['emailaddress'],
    requires: ['suppressionreason'],
    needs: 'Suppressions[] of EmailAddress, SuppressionReason, Origin, CreatedAt (suppressions dump)',
    map: (r, o) => {
      const why = get(r, 'suppressionreason');
      const origin = get(r, 'origin');
      const text = `postmark ${why ?? '?'}${origin ? ` (origin ${origin})` : ''}`;
      const address = get(r, 'emailaddress');
      if (why === 'HardBounce') return email('postmark', address, HARD_BOUNCE, text, r.createdat);
      if (why === 'SpamComplaint') return email('postmark', address, COMPLAINT, text, r.createdat);
      if (why === 'ManualSuppression') {
        // An unsubscribe from a broadcast stream is a topic unsubscribe; the default transactional
        // stream ("outbound") has no topic of its own.
        const stream = o.stream ?? 'outbound';
        const t = o.topics?.[stream] ?? (stream === 'outbound' ? '*' : stream);
        return email(
          'postmark',
          address,
          { ...UNSUBSCRIBE, topic: t },
          `${text} on stream ${stream}`,
          r.createdat,
        );
      }
      return `unknown SuppressionReason '${why ?? ''}'`;
    },
  },
  'mailgun-bounces': {
    provider: 'mailgun',
    shape: 'csv-or-json',
    identifier: ['address'],
    needs: 'address, code, error, created_at (GET /v3/{domain}/bounces)',
    map: (r) => {
      const why = [get(r, 'code'), get(r, 'error')].filter(Boolean).join(' ');
      return email(
        'mailgun',
        get(r, 'address'),
        HARD_BOUNCE,
        `mailgun bounce${why ? `: ${why}` : ''}`,
        r.created_at,
      );
    },
  },
  'mailgun-unsubscribes': {
    provider: 'mailgun',
    shape: 'csv-or-json',
    identifier: ['address'],
    needs: 'address, tags, created_at (GET /v3/{domain}/unsubscribes)',
    map: (r, o) => {
      const raw = r.tags;
      const tags = Array.isArray(raw)
        ? raw.map((t) => String(t).trim()).filter(Boolean)
        : (str(raw) ?? '*')
            .replace(/^\[|\]$/g, '')
            .split(/[,;]/)
            .map((t) => t.trim().replace(/^["']|["']$/g, ''))
            .filter(Boolean);
      if (tags.length === 0 || tags.includes('*')) tags.splice(0, tags.length, '*');
      const out: ImportEntry[] = [];
      for (const tag of tags) {
        const topic = tag === '*' ? '*' : topicOf(o, tag);
        const e = email(
          'mailgun',
          get(r, 'address'),
          { ...UNSUBSCRIBE, topic },
          `mailgun unsubscribe${tag === '*' ? '' : ` (tag ${tag})`}`,
          r.created_at,
        );
        if (typeof e === 'string') return e;
        out.push(...e);
      }
      return out;
    },
  },
  'mailgun-complaints': {
    provider: 'mailgun',
    shape: 'csv-or-json',
    identifier: ['address'],
    needs: 'address, created_at (GET /v3/{domain}/complaints)',
    map: (r) => email('mailgun', get(r, 'address'), COMPLAINT, 'mailgun complaint', r.created_at),
  },
  ses: {
    provider: 'ses',
    shape: 'json',
    identifier: ['emailaddress'],
    requires: ['reason'],
    needs:
      'SuppressedDestinationSummaries[] of EmailAddress, Reason, LastUpdateTime (aws sesv2 list-suppressed-destinations)',
    map: (r) => {
      const why = get(r, 'reason');
      const scope = why === 'BOUNCE' ? HARD_BOUNCE : why === 'COMPLAINT' ? COMPLAINT : null;
      if (!scope) return `unknown Reason '${why ?? ''}' (BOUNCE or COMPLAINT)`;
      return email('ses', get(r, 'emailaddress'), scope, `ses ${why}`, r.lastupdatetime);
    },
  },
  twilio: {
    provider: 'twilio',
    shape: 'csv',
    identifier: ['phone_number', 'phone number', 'phonenumber', 'number', 'from'],
    needs:
      'a phone column (phone_number, Phone Number or From); from a message log export (From, To, Body, ...) only opt-out keywords count',
    map: (r) => {
      const phone = get(r, 'phone_number', 'phone number', 'phonenumber', 'number', 'from');
      if (!phone) return 'no phone number in this record';
      const body = 'body' in r ? (get(r, 'body') ?? '') : undefined;
      if (body !== undefined) {
        const direction = get(r, 'direction');
        if (direction && !/inbound/i.test(direction)) return [];
        if (!TWILIO_OPT_OUT.test(body.trim())) return [];
      }
      const when = r.date_created ?? r.datecreated ?? r.sentdate ?? r.date ?? r.created_at;
      const at = timestamp(when);
      if (at === null) return `unreadable date '${String(when).slice(0, 40)}'`;
      return [
        {
          subjectType: 'phone',
          value: phone,
          ...SMS_STOP,
          reason: body !== undefined ? `twilio opt-out: ${body.trim().toUpperCase()}` : 'twilio opt-out list',
          provider: 'twilio',
          ...(at ? { occurredAt: at } : {}),
        },
      ];
    },
  },
} satisfies Record<string, Format>;

export type ProviderFormat = keyof typeof FORMATS;
export const PROVIDER_FORMATS = Object.keys(FORMATS) as ProviderFormat[];
