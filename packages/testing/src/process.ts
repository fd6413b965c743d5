// A deployable as a real process (its src/main.ts under tsx), as the kit's acceptance tests start
// them (issue 17): what it logs (pino JSON lines on stdout), its ops endpoints, its exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  lines: LogLine[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** GET on the ops server: status and the parsed body. */
  ops(path: '/healthz' | '/readyz' | '/metrics'): Promise<{ status: number; body: string }>;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Starts `services/<name>/src/main.ts` with exactly `env` (and PATH); OPS_PORT names its ops server. */
export function startProcess(name: string, env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: `${root}services/${name}`,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let rest = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        lines.push({ level: 0, msg: p });
      }
    }
  });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    err += c;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const opsPort = env.OPS_PORT;
  return {
    name,
    child,
    lines,
    stderr: () => err,
    exited,
    ops: async (path) => {
      const r = await fetch(`http://127.0.0.1:${opsPort}${path}`);
      return { status: r.status, body: await r.text() };
    },
  };
}
