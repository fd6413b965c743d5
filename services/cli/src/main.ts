// Entry point of `suppress` (`pnpm suppress …` from the repository root).
import { run } from './cli';
import { envOf } from './config';

run(process.argv.slice(2), envOf(), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`suppress: unexpected error: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 3;
  },
);
