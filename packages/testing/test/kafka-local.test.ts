// Issue 2: the hand-run broker launcher prints its bootstrap address, stops the JVM on SIGTERM,
// and leaves no orphan broker even when it is killed outright.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaAnswers, waitFor } from '../src/index';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null) c.kill('SIGKILL');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function launch() {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/kafka-local-cli.ts'], {
    cwd: pkgDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const line = await waitFor(
    'the bootstrap address',
    () => /Kafka (\S+) \(pid (\d+)\)/.exec(out) ?? undefined,
    {
      timeoutMs: 120_000,
    },
  );
  const watchdog = Number(line[2]);
  const jvm = Number(
    execFileSync('pgrep', ['-P', String(watchdog), 'java'])
      .toString()
      .trim()
      .split('\n')[0],
  );
  return { child, brokers: line[1] as string, watchdog, jvm, out: () => out };
}

describe('pnpm kafka:local', () => {
  it('prints a bootstrap address that answers, and SIGTERM stops the JVM', async () => {
    const k = await launch();
    expect(k.out()).toContain(`export KAFKA_BROKERS=${k.brokers}`);
    expect(await kafkaAnswers(k.brokers)).toBe(true);
    expect(alive(k.jvm)).toBe(true);
    const exited = new Promise((r) => k.child.once('exit', r));
    k.child.kill('SIGTERM');
    await exited;
    await waitFor('the JVM to be gone', () => !alive(k.jvm));
  });

  it('leaves no orphan broker when the launcher is killed with SIGKILL', async () => {
    const k = await launch();
    k.child.kill('SIGKILL');
    await waitFor('the JVM to be gone', () => !alive(k.jvm) && !alive(k.watchdog));
  });
});
