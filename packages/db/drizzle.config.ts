// drizzle-kit: `pnpm exec drizzle-kit generate` writes SQL migrations from src/schema.ts into ./drizzle;
// hand-written SQL (the ledger's append-only trigger) is a `drizzle-kit generate --custom` migration.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
});
