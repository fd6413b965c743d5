// The decision modules under mutation testing: what each mutates, which tests may kill its
// mutants (the few files that cover it, so a run takes minutes), its break threshold, and whether
// it needs PostgreSQL/Kafka (`pure: false`) or runs from memory. scripts/mutation.mjs runs them.
/** @type {Record<string, { mutate: string[]; tests: string[]; break: number; pure: boolean }>} */
export const MODULES = {
  gate: {
    mutate: ['packages/delivery/src/gate.ts'],
    tests: ['packages/delivery/test/gate.test.ts'],
    break: 90,
    pure: true,
  },
  decide: {
    mutate: ['packages/suppression/src/decide.ts', 'packages/suppression/src/check.ts'],
    tests: ['packages/suppression/test/check.test.ts', 'packages/suppression/test/scope-table.test.ts'],
    break: 90,
    pure: false,
  },
  plan: {
    mutate: ['packages/suppression/src/plan.ts'],
    tests: ['packages/suppression/test/plan.test.ts', 'packages/suppression/test/scope-table.test.ts'],
    break: 90,
    pure: false,
  },
  rank: {
    mutate: ['packages/suppression/src/apply.ts:1-80'],
    tests: ['packages/suppression/test/apply.test.ts'],
    break: 0,
    pure: false,
  },
  classify: {
    mutate: ['services/sms-stop-consumer/src/classify.ts'],
    tests: ['services/sms-stop-consumer/test/classify.test.ts'],
    break: 90,
    pure: true,
  },
  report: {
    mutate: [
      'services/abuse-inbox/src/report.ts',
      'services/abuse-inbox/src/arf.ts',
      'services/abuse-inbox/src/forwarded.ts',
      'services/abuse-inbox/src/ses-mail.ts',
    ],
    tests: ['services/abuse-inbox/test/report.test.ts', 'services/abuse-inbox/test/real-shapes.test.ts'],
    break: 90,
    pure: true,
  },
  sealer: {
    mutate: ['packages/identity/src/sealer.ts'],
    tests: ['packages/identity/test/sealer.test.ts'],
    break: 90,
    pure: true,
  },
  normalize: {
    mutate: ['packages/identity/src/normalize.ts'],
    tests: ['packages/identity/test/normalize.test.ts'],
    break: 80,
    pure: true,
  },
  'sms-reply': {
    mutate: ['services/sms-sender/src/sender.ts'],
    tests: ['services/sms-sender/test/sms.test.ts'],
    break: 0,
    pure: false,
  },
};
