// The durable Bus of the embedded mode: topics, messages and committed offsets are rows of the
// embedded database (tables bus_partition, bus_message, bus_offset; migration in @sp/db), so an
// event the edge accepted survives a crash before its consumer ran. publish() resolves once the
// rows are committed; consumers read them back with the shared runner and commit their offset
// after the handler's write, as on Kafka. It takes plain SQL (a `SqlClient`) rather than drizzle,
// so this package stays free of the ORM and of the driver (PGlite or postgres.js).
// Limits: one process per database consumes it (groups live in this bus object; a second
// process would read the same partitions; committed offsets never move backwards, so that only
// repeats work), and nobody may publish while holding a PGlite transaction (PGlite has one
// connection: the publish would wait for that transaction forever).
import { safeErrorText } from './errors';
import { createLocalBus, type LocalBus, type LogStore } from './local';
import { partitionFor, valueBytes } from './memory';
import { type Logger, type OutgoingMessage, type RawMessage, silentLogger, UnknownTopicError } from './types';

export interface SqlQuery {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}
/** What @sp/db's `DbHandle.sql` offers, for PGlite and PostgreSQL alike. */
export interface SqlClient extends SqlQuery {
  transaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T>;
}

export interface TableBusOptions {
  sql: SqlClient;
  /** How often consumers look for rows written by another process (this one wakes them at once). */
  pollMs?: number;
  retention?: {
    /** How often consumed rows are removed. Default one minute. */
    intervalMs?: number;
    /**
     * Rows of a topic no consumer group reads (the changelog in `npm start`) are kept this long,
     * as Kafka's retention.ms does. Default 7 days. Rows of a topic some group reads go once every
     * group that ever joined it (table bus_group; delete a group's rows there when it is gone for
     * good) has committed past them.
     */
    unreadMs?: number;
    /**
     * Dead letters (`<topic>.dlq`) are kept this long, as DLQ_RETENTION_MS bounds them on Kafka
     * (issue 15: nothing kept forever). Default 30 days.
     */
    dlqMs?: number;
  };
  logger?: Logger;
}

export interface TableBus extends LocalBus {
  /** The next offset of each partition of a topic (a local list view's freshness probe). */
  endOffsets(topic: string): Promise<number[] | undefined>;
  /** The committed next offset of a group on a topic partition (undefined when none). */
  committed(groupId: string, topic: string, partition?: number): Promise<number | undefined>;
  /** Removes the rows retention allows now; returns how many went. */
  prune(): Promise<number>;
}

// Parameters per INSERT statement stay far below PostgreSQL's 65,535.
const INSERT_CHUNK = 1_000;

const toBuffer = (v: unknown): Buffer | null =>
  v === null || v === undefined
    ? null
    : Buffer.isBuffer(v)
      ? v
      : v instanceof Uint8Array
        ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
        : Buffer.from(String(v), 'utf8');

function parseHeaders(text: unknown): Record<string, string> {
  try {
    const h = JSON.parse(String(text ?? '{}')) as unknown;
    return h && typeof h === 'object' ? (h as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function createTableBus(opts: TableBusOptions): TableBus {
  const { sql } = opts;
  const log = opts.logger ?? silentLogger;
  const partitionCounts = new Map<string, number>(); // topics never lose or gain partitions here
  let rr = 0;

  const countOf = async (q: SqlQuery, topic: string): Promise<number> => {
    const cached = partitionCounts.get(topic);
    if (cached !== undefined) return cached;
    const [row] = await q.query<{ n: number }>(
      'select count(*)::int as n from bus_partition where topic = $1',
      [topic],
    );
    const n = row?.n ?? 0;
    if (n > 0) partitionCounts.set(topic, n);
    return n;
  };

  /**
   * One statement: takes the next offsets of the partition (its row lock is held to commit, so
   * offsets become visible in order) and inserts the rows at them. Resolves to the new end.
   */
  const appendChunk = async (q: SqlQuery, topic: string, p: number, list: OutgoingMessage[]) => {
    const params: unknown[] = [topic, p, list.length];
    const values = list.map((m, i) => {
      params.push(i, m.key, JSON.stringify(m.headers ?? {}), valueBytes(m.value));
      const n = params.length;
      return `($${n - 3}::int, $${n - 2}::text, $${n - 1}::text, $${n}::bytea)`;
    });
    const [row] = await q.query<{ end: string }>(
      `with taken as (
         update bus_partition set next_offset = next_offset + $3::int
          where topic = $1::text and "partition" = $2::int
         returning next_offset - $3::int as first),
       stored as (
         insert into bus_message (topic, "partition", msg_offset, key, headers, value)
         select $1::text, $2::int, taken.first + v.i, v.key, v.headers, v.value
           from taken, (values ${values.join(', ')}) as v(i, key, headers, value))
       select (first + $3::int)::text as "end" from taken`,
      params,
    );
    return Number(row?.end);
  };

  const append = async (topic: string, messages: OutgoingMessage[]) => {
    const count = await countOf(sql, topic);
    if (count === 0) throw new UnknownTopicError(topic);
    const byPartition = new Map<number, OutgoingMessage[]>();
    for (const m of messages) {
      const p = partitionFor(m.key, count, rr++);
      byPartition.set(p, [...(byPartition.get(p) ?? []), m]);
    }
    const [only] = byPartition;
    if (byPartition.size === 1 && only && only[1].length <= INSERT_CHUNK) {
      // The common case (one event of an edge request): one statement, no transaction round trips.
      return new Map([[only[0], await appendChunk(sql, topic, only[0], only[1])]]);
    }
    return sql.transaction(async (tx) => {
      const written = new Map<number, number>();
      // Partitions in ascending order: two publishers never wait on each other's row locks crosswise.
      for (const p of [...byPartition.keys()].sort((a, b) => a - b)) {
        const list = byPartition.get(p) as OutgoingMessage[];
        for (let i = 0; i < list.length; i += INSERT_CHUNK) {
          written.set(p, await appendChunk(tx, topic, p, list.slice(i, i + INSERT_CHUNK)));
        }
      }
      return written;
    });
  };

  const store: LogStore = {
    ensure: async (specs) => {
      for (const s of specs) {
        // An existing topic keeps its partitions (more would move keys to other partitions).
        await sql.query(
          `insert into bus_partition (topic, "partition", compacted)
             select $1::text, g, $3::boolean from generate_series(0, $2::int - 1) g
             where not exists (select 1 from bus_partition where topic = $1::text)
           on conflict do nothing`,
          [s.topic, s.partitions, s.compacted],
        );
      }
    },
    append,
    ends: async (topic) => {
      const rows = await sql.query<{ partition: number; end: string }>(
        'select "partition", next_offset::text as "end" from bus_partition where topic = $1 order by "partition"',
        [topic],
      );
      return rows.length === 0 ? undefined : rows.map((r) => Number(r.end));
    },
    read: async (topic, partition, from, max) => {
      const rows = await sql.query<{
        offset: string;
        key: string | null;
        headers: string;
        value: unknown;
        at: string;
      }>(
        `select msg_offset::text as "offset", key, headers, value,
                (extract(epoch from published_at) * 1000)::bigint::text as at
           from bus_message
           where topic = $1 and "partition" = $2 and msg_offset >= $3::bigint
           order by msg_offset limit $4::int`,
        [topic, partition, from, max],
      );
      return rows.map(
        (r): RawMessage => ({
          topic,
          partition,
          offset: r.offset,
          key: r.key,
          headers: parseHeaders(r.headers),
          value: toBuffer(r.value),
          timestamp: r.at,
        }),
      );
    },
    join: async (groupId, topics) => {
      for (const topic of topics) {
        await sql.query('insert into bus_group (group_id, topic) values ($1, $2) on conflict do nothing', [
          groupId,
          topic,
        ]);
      }
    },
    committed: async (groupId, topic) => {
      const rows = await sql.query<{ partition: number; next: string }>(
        'select "partition", next_offset::text as next from bus_offset where group_id = $1 and topic = $2',
        [groupId, topic],
      );
      return new Map(rows.map((r) => [r.partition, Number(r.next)]));
    },
    commit: async (groupId, topic, partition, next) => {
      await sql.query(
        `insert into bus_offset (group_id, topic, "partition", next_offset, updated_at)
           values ($1, $2, $3, $4::bigint, now())
         on conflict (group_id, topic, "partition")
           do update set next_offset = greatest(bus_offset.next_offset, excluded.next_offset), updated_at = now()`,
        [groupId, topic, partition, next],
      );
    },
    healthy: async () => {
      try {
        await sql.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
  };

  const unreadMs = opts.retention?.unreadMs ?? 7 * 24 * 3_600_000;
  const dlqMs = opts.retention?.dlqMs ?? 30 * 24 * 3_600_000;
  const prune = async (): Promise<number> => {
    // A partition a group never committed on counts as read up to 0 for that group.
    const consumed = await sql.query<{ n: number }>(
      `with groups as (select group_id, topic from bus_group),
            low as (
              select g.topic, p."partition", min(coalesce(o.next_offset, 0)) as low
                from groups g
                join bus_partition p on p.topic = g.topic
                left join bus_offset o
                  on o.group_id = g.group_id and o.topic = g.topic and o."partition" = p."partition"
               group by g.topic, p."partition"),
            gone as (
              delete from bus_message m using low
               where m.topic = low.topic and m."partition" = low."partition" and m.msg_offset < low.low
              returning 1)
       select count(*)::int as n from gone`,
    );
    const unread = await sql.query<{ n: number }>(
      `with gone as (
         delete from bus_message m
          where m.published_at < now() - ($1::bigint * interval '1 millisecond')
            and m.topic not like '%.dlq'
            and not exists (select 1 from bus_group g where g.topic = m.topic)
         returning 1)
       select count(*)::int as n from gone`,
      [unreadMs],
    );
    const dead = await sql.query<{ n: number }>(
      `with gone as (
         delete from bus_message m
          where m.topic like '%.dlq' and m.published_at < now() - ($1::bigint * interval '1 millisecond')
         returning 1)
       select count(*)::int as n from gone`,
      [dlqMs],
    );
    return (consumed[0]?.n ?? 0) + (unread[0]?.n ?? 0) + (dead[0]?.n ?? 0);
  };

  const bus = createLocalBus(store, { pollMs: opts.pollMs ?? 1_000, logger: log });
  let pruning: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    pruning = prune().catch((err) =>
      log.warn({ err: safeErrorText(err) }, 'table bus: retention pass failed'),
    );
  }, opts.retention?.intervalMs ?? 60_000);
  timer.unref();

  return {
    ...bus,
    async close() {
      clearInterval(timer);
      await bus.close();
      await pruning;
    },
    committed: async (groupId, topic, partition = 0) =>
      (await store.committed(groupId, topic)).get(partition),
    endOffsets: (topic) => store.ends(topic),
    prune,
  };
}
