/**
 * `guillotine export`: what a user sees. Exit 0 with the text, 2 with one message naming what is
 * wrong and what is allowed (bad --format, bad policy, an --out that cannot be written), never a
 * stack trace.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promelaModel } from '../../export/promela.ts';
import { parseTla } from '../../export/tlaParse.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { looksLikeCrash, runCli } from '../cli/runCli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

describe('cli: guillotine export', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-export-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('explains itself with --help: both formats, --out, and how to run SPIN and TLC', async () => {
    const run = await runCli(['export', '--help']);
    assert.equal(run.code, 0);
    for (const text of ['--format', 'promela', 'tla', '--policy', '--out', '--json', 'spin -a', 'tlc2.TLC']) assert.ok(run.out.includes(text), `help mentions ${text}`);
  });

  it('prints the Promela model of the embedded default policy on stdout', async () => {
    const run = await runCli(['export', '--format', 'promela']);
    assert.equal(run.code, 0, run.err);
    assert.equal(run.out, promelaModel(DEFAULT_POLICY, { source: 'embedded default' }));
  });

  it('writes NAME.tla and NAME.cfg for --format tla --out NAME.tla, and the module is named NAME', async () => {
    const out = join(dir, 'Policy.tla');
    const run = await runCli(['export', '--format', 'tla', '--policy', fixture('policies/unsafe-small.json'), '--out', out]);
    assert.equal(run.code, 0, run.err);
    assert.equal(run.out, '');
    const parsed = await parseTla(readFileSync(out, 'utf8'));
    assert.equal(parsed.module, 'Policy');
    assert.deepEqual(parsed.errors, []);
    assert.match(readFileSync(join(dir, 'Policy.cfg'), 'utf8'), /^SPECIFICATION Spec$/m);
  });

  it('reports what it wrote with --json, in a stable shape', async () => {
    const out = join(dir, 'model.pml');
    const run = await runCli(['export', '--format', 'promela', '--out', out, '--json']);
    assert.equal(run.code, 0, run.err);
    const report = JSON.parse(run.out) as { format: string; policy: string; files: { name: string; path: string | null; bytes: number }[] };
    assert.deepEqual(Object.keys(report), ['format', 'policy', 'files']);
    assert.equal(report.format, 'promela');
    assert.deepEqual(report.files.map((f) => [f.name, f.path, f.bytes]), [['model.pml', out, Buffer.byteLength(readFileSync(out, 'utf8'))]]);
  });

  const badInputs: readonly { name: string; argv: () => string[]; says: RegExp }[] = [
    { name: 'an unknown --format', argv: () => ['export', '--format', 'nusmv'], says: /'nusmv' is invalid\. Allowed choices are promela, tla/ },
    { name: 'no --format', argv: () => ['export'], says: /required option '--format <format>' not specified/ },
    { name: 'a policy that is not one', argv: () => ['export', '--format', 'promela', '--policy', fixture('policies/bad/quorum-zero.json')], says: /bad policy: quorum\.deescalate: .*allowed/ },
    { name: 'a missing policy file', argv: () => ['export', '--format', 'tla', '--policy', join(dir, 'absent.json')], says: /absent\.json/ },
    { name: 'an --out in a missing directory', argv: () => ['export', '--format', 'promela', '--out', join(dir, 'no', 'such', 'x.pml')], says: /--out: cannot write ".*x\.pml": no such file or directory/ },
    { name: 'an --out that is a directory', argv: () => ['export', '--format', 'promela', '--out', dir], says: /--out: cannot write .*: it is a directory/ },
    { name: 'a TLA+ --out not ending in .tla', argv: () => ['export', '--format', 'tla', '--out', join(dir, 'x.txt')], says: /must end in \.tla/ },
    { name: 'a TLA+ --out whose name is no TLA+ name', argv: () => ['export', '--format', 'tla', '--out', join(dir, 'my-model.tla')], says: /"my-model" is not a TLA\+ name/ },
  ];
  for (const { name, argv, says } of badInputs) {
    it(`exits 2 with one clear message for ${name}`, async () => {
      const run = await runCli(argv());
      assert.equal(run.code, 2);
      assert.match(run.err, says);
      assert.ok(!looksLikeCrash(run.err), run.err);
      assert.equal(run.out, '');
    });
  }

  it('exits 2 for a policy file with malformed JSON, naming the file problem', async () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "admins": [');
    const run = await runCli(['export', '--format', 'promela', '--policy', file]);
    assert.equal(run.code, 2);
    assert.match(run.err, /^guillotine: bad policy/);
  });
});
