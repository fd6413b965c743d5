// The `suppress` command as a user runs it: a real process (tsx src/main.ts) pointed at an API by
// SUPPRESS_API_URL and SUPPRESS_API_TOKEN, its exit code and both outputs collected.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `suppress ...args` against `apiUrl`; no token when `token` is null. */
export function runCli(args: string[], apiUrl: string, token: string | null): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      SUPPRESS_API_URL: apiUrl,
      USER: 'cli-test',
    };
    if (token) env.SUPPRESS_API_TOKEN = token;
    const child = spawn(process.execPath, [tsxCli, main, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
