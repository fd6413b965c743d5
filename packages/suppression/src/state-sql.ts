// The two CTEs every set-based writer of the list shares (apply's writeCore and the bulk import):
// the state upsert, where per scope the newest (occurred_at, suppressed, event_id) wins whatever
// the order events arrive in, and the changelog rows of exactly the scopes it changed. One text,
// so the rule cannot drift between the two paths.

/** An ISO-8601 UTC text of a timestamptz column, as the changelog contract carries it. */
const iso = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * `st`: upserts the winners of `w` (one row per scope: sk, ch, pu, tp, su, re, id, at, aa, de and
 * the source in `sourceColumn`), stamped `updatedAt` (a parameter such as `$4`); returns what changed.
 */
export function stateUpsertCte(sourceColumn: string, updatedAt: string): string {
  return `st as (
  insert into suppression_state as s (subject_key, channel, purpose, topic, suppressed, reason, event_id,
    source, occurred_at, since, ask_again_after, detail, updated_at)
  select sk, ch, pu, tp, su, re, id, ${sourceColumn}, at, case when su then at end, aa, de, ${updatedAt}::timestamptz
  from w order by sk, ch, pu, tp
  on conflict (subject_key, channel, purpose, topic) do update set
    suppressed = excluded.suppressed, reason = excluded.reason, event_id = excluded.event_id,
    source = excluded.source, occurred_at = excluded.occurred_at, since = excluded.since,
    ask_again_after = excluded.ask_again_after, detail = excluded.detail, updated_at = excluded.updated_at
  where (excluded.occurred_at, excluded.suppressed, excluded.event_id) > (s.occurred_at, s.suppressed, s.event_id)
  returning s.*
)`;
}

/** `ob`: one outbox row on the changelog topic (a parameter such as `$5`) per state row `st` changed. */
export function changelogCte(topic: string, returning: string): string {
  return `ob as (
  insert into outbox (topic, key, payload)
  select ${topic}, k, p from (
    select subject_key || '|' || channel || '|' || purpose || '|' || topic as k,
      jsonb_build_object(
        'subjectKey', subject_key, 'channel', channel, 'purpose', purpose, 'topic', topic,
        'suppressed', suppressed, 'reason', reason, 'eventId', event_id, 'source', source,
        'occurredAt', ${iso('occurred_at')}, 'since', ${iso('since')},
        'askAgainAfter', ${iso('ask_again_after')}, 'detail', detail) as p
    from st) c
  order by k
  returning ${returning}
)`;
}
