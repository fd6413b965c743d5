// Issue 13: `suppress topic …` as a user runs it (a real process) against the API over HTTP on a
// real PostgreSQL database: create, add a language, archive, bring back, list and show the history.
import { randomBytes } from 'node:crypto';
import { startTestApi, type TestApi } from '@sp/suppression-api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './run-cli';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.close());

const suppress = (args: string[], token: string | null = api.tokens.both): Promise<CliResult> =>
  runCli(args, api.url, token);

describe('suppress topic', () => {
  it('creates a topic, adds Spanish, archives and unarchives it, and shows who did what', async () => {
    const id = `weekly-digest-${randomBytes(3).toString('hex')}`;
    const created = await suppress([
      'topic',
      'create',
      id,
      '--name',
      'Weekly digest',
      '--description',
      'The week in one email, on Mondays.',
      '--reason',
      'launch',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toBe(`${id}  email  opt-out  Weekly digest`);

    const es = await suppress([
      'topic',
      'update',
      id,
      '--lang',
      'es',
      '--name',
      'Resumen semanal',
      '--description',
      'La semana en un correo, los lunes.',
    ]);
    expect(es.code, es.stderr).toBe(0);

    const archived = await suppress(['topic', 'archive', id, '--reason', 'season over']);
    expect(archived.stdout.trim()).toBe(`${id}  email  opt-out  [archived]  Weekly digest`);
    const active = await suppress(['topic', 'list']);
    expect(active.stdout).not.toContain(id);
    const all = await suppress(['topic', 'list', '--all']);
    expect(all.stdout).toContain(`${id}  email  opt-out  [archived]  Weekly digest`);
    expect((await suppress(['topic', 'unarchive', id])).code).toBe(0);

    const shown = await suppress(['topic', 'show', id, '--history']);
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `${id}  email  opt-out  Weekly digest`,
      '  en: Weekly digest — The week in one email, on Mondays.',
      '  es: Resumen semanal — La semana en un correo, los lunes.',
    ]);
    // The token's name is who; the person (USER of the shell, as for other admin writes) beside it.
    const by = `${api.tokenNames.both} (cli-test)`;
    expect(lines.slice(4).map((l) => l.replace(/ {2}\S+Z {2}/, '  <at>  '))).toEqual([
      `  v1  <at>  create by ${by}: launch`,
      `  v2  <at>  update by ${by}`,
      `  v3  <at>  archive by ${by}: season over`,
      `  v4  <at>  unarchive by ${by}`,
    ]);

    const json = await suppress(['topic', 'show', id, '--json']);
    expect(JSON.parse(json.stdout).topic).toMatchObject({
      id,
      names: { en: 'Weekly digest', es: 'Resumen semanal' },
      version: 4,
    });
  });

  it('exits 2 on a usage mistake and 3 with the API’s reason when it refuses', async () => {
    const noName = await suppress(['topic', 'create', 'deals']);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain('topic create needs --name');
    const noId = await suppress(['topic', 'show']);
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('topic show needs a topic id');

    const badSlug = await suppress(['topic', 'create', 'Deals!', '--name', 'Deals']);
    expect(badSlug.code).toBe(3);
    expect(badSlug.stderr).toContain('API answered 400: body.id: a topic id is lowercase a-z, 0-9 and "-"');
    const id = `deals-${randomBytes(3).toString('hex')}`;
    expect((await suppress(['topic', 'create', id, '--name', 'Deals'])).code).toBe(0);
    const taken = await suppress(['topic', 'create', id, '--name', 'Deals']);
    expect(taken.code).toBe(3);
    expect(taken.stderr).toContain(`API answered 409: topic "${id}" already exists`);
    const missing = await suppress(['topic', 'archive', 'never-made']);
    expect(missing.stderr).toContain('API answered 404: no topic "never-made"');
    const checkOnly = await suppress(['topic', 'create', `x-${id}`, '--name', 'X'], api.tokens.check);
    expect(checkOnly.code).toBe(3);
    expect(checkOnly.stderr).toContain("lacks the 'admin' scope");
  });
});
