// The AWS SDK's notice that it will need Node 22 (printed once per process on older Node) does
// not reach the terminal of a service that builds an SES client (quietAwsSdkNodeNotice in
// @sp/config): each case is a real process on the Node running the suite (CI runs it on Node 20
// and Node 24). The bare client shows what the notice looks like where it would be printed.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const nodeMajor = Number(process.versions.node.split('.')[0]);

async function stderrOf(mode: 'transport' | 'bare'): Promise<string> {
  const { stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'test/ses-client-process.ts', mode],
    { cwd: serviceDir, env: { PATH: process.env.PATH ?? '' } },
  );
  return stderr;
}

it('a bare SDK client prints the Node version notice exactly on Node older than 22', async () => {
  const stderr = await stderrOf('bare');
  if (nodeMajor < 22) expect(stderr).toMatch(/AWS SDK for JavaScript \(v3\)[\s\S]*will require node >=22/);
  else expect(stderr).toBe('');
});

it('the sender’s SES transport starts without it, on every supported Node', async () => {
  expect(await stderrOf('transport')).toBe('');
});
