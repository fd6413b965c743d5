// The decision modules under mutation testing: what each mutates, which tests may kill its
// mutants (the few files that cover it, so a run takes minutes), its break threshold, and whether
// it needs PostgreSQL/Kafka (`pure: false`) or runs from memory, and whether CI runs it (`ci`:
// pure and a few minutes at most, so .ci/run stays under 25 minutes). scripts/mutation.mjs runs them.
// Test files run in the order listed (mutation/vitest.config.mjs): fast ones first, so a mutant
// they kill stops the run (bail) before the database-backed ones. `setup`: extra global setups.
const LIST_DB = 'packages/suppression/test/list-db.setup.ts';

/** @type {Record<string, { mutate: string[]; tests: string[]; setup?: string[]; break: number; pure: boolean; ci?: boolean }>} */
export const MODULES = {
  gate: {
    mutate: ['packages/delivery/src/gate.ts'],
    tests: ['packages/delivery/test/gate.test.ts'],
    break: 90,
    pure: true,
    ci: true,
  },
  decide: {
    // The rules (decide.ts, pure: decide.test.ts in memory) and the query that feeds them
    // (check.ts): check.test.ts on PostgreSQL, in the one database list-db.setup.ts migrates per
    // runner, and pglite.test.ts for the other driver's result shape (PGlite: ~3 s per run).
    mutate: ['packages/suppression/src/decide.ts', 'packages/suppression/src/check.ts'],
    tests: [
      'packages/suppression/test/decide.test.ts',
      'packages/suppression/test/check.test.ts',
      'packages/suppression/test/pglite.test.ts',
    ],
    setup: [LIST_DB],
    break: 90,
    pure: false,
  },
  plan: {
    // planEvent is pure (plan.test.ts); records.test.ts and scope-table.test.ts read back what it
    // planned from the list, in the one database list-db.setup.ts migrates per runner.
    mutate: ['packages/suppression/src/plan.ts'],
    tests: [
      'packages/suppression/test/plan.test.ts',
      'packages/suppression/test/records.test.ts',
      'packages/suppression/test/scope-table.test.ts',
    ],
    setup: [LIST_DB],
    break: 90,
    pure: false,
  },
  rank: {
    // compareRank decides every scope (rank.test.ts and decide.test.ts in memory); the writes
    // (minor flags, the Do-Not-Sell log) need the database.
    mutate: ['packages/suppression/src/apply.ts'],
    tests: [
      'packages/suppression/test/rank.test.ts',
      'packages/suppression/test/decide.test.ts',
      'packages/suppression/test/records.test.ts',
      'packages/suppression/test/apply.test.ts',
      'packages/suppression/test/scope-table.test.ts',
    ],
    setup: [LIST_DB],
    break: 0,
    pure: false,
  },
  classify: {
    mutate: ['services/sms-stop-consumer/src/classify.ts'],
    tests: [
      'services/sms-stop-consumer/test/classify.test.ts',
      'services/sms-stop-consumer/test/classify-proof.test.ts',
    ],
    break: 90,
    pure: true,
  },
  report: {
    // The dispatcher; its readers (arf.ts, forwarded.ts, ses-mail.ts, attribution.ts) are the
    // module `report-readers` (same tests, several times the mutants).
    mutate: ['services/abuse-inbox/src/report.ts'],
    tests: ['services/abuse-inbox/test/report.test.ts'],
    break: 90,
    pure: true,
  },
  'report-readers': {
    mutate: [
      'services/abuse-inbox/src/arf.ts',
      'services/abuse-inbox/src/forwarded.ts',
      'services/abuse-inbox/src/ses-mail.ts',
      'services/abuse-inbox/src/attribution.ts',
    ],
    tests: ['services/abuse-inbox/test/report.test.ts'],
    break: 0,
    pure: true,
  },
  sealer: {
    mutate: ['packages/identity/src/sealer.ts'],
    tests: ['packages/identity/test/sealer.test.ts', 'packages/identity/test/sealer-limits.test.ts'],
    break: 90,
    pure: true,
    ci: true,
  },
  normalize: {
    mutate: ['packages/identity/src/normalize.ts'],
    tests: [
      'packages/identity/test/normalize.test.ts',
      'packages/identity/test/normalize-limits.test.ts',
      'packages/identity/test/phones-in.test.ts',
    ],
    break: 80,
    pure: true,
    ci: true,
  },
  'sms-reply': {
    // The handler on real PostgreSQL with the in-memory bus (sms-stop-consumer.test.ts proves the
    // same over Kafka, at tens of seconds a run: too slow to run once per mutant).
    mutate: ['services/sms-stop-consumer/src/handler.ts'],
    tests: ['services/sms-stop-consumer/test/handler.test.ts'],
    break: 90,
    pure: false,
  },
};
