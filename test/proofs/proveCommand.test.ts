import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { THEOREM_IDS, THEOREMS } from '../../proofs/index.ts';
import { DEFAULT_LAYOUT } from '../../proofs/layout.ts';
import { z3Session } from '../../proofs/z3.ts';
import { DEFAULT_POLICY } from '../../spec/policy.ts';
import { looksLikeCrash, runCli, type CliRun } from '../cli/runCli.ts';

/** What `prove --json` promises its readers (GUILLOTINE issue 3); more keys may be added, these stay. */
interface ProveJson {
  theorems: { id: string; status: 'proved' | 'refuted' | 'unknown'; seconds: number; counterexample?: Record<string, unknown>; reason?: string; statement: string; assumptions: string[]; obligations: { name: string; status: string }[] }[];
  controls: { id: string; theorem: string; description: string; status: 'proved' | 'refuted' | 'unknown'; expected: 'refuted'; seconds: number; counterexample?: Record<string, unknown>; reason?: string }[];
}

const STATUSES = ['proved', 'refuted', 'unknown'];

function parse(run: CliRun): ProveJson {
  assert.ok(!looksLikeCrash(run.err), run.err);
  return JSON.parse(run.out) as ProveJson;
}

/** The report without its timing fields, the only part allowed to differ between two runs. */
function withoutTiming(text: string): string {
  return JSON.stringify(JSON.parse(text, (key, value: unknown) => (key === 'seconds' ? undefined : value)));
}

function assertShape(r: ProveJson): void {
  assert.deepEqual(Object.keys(r), ['theorems', 'controls']);
  for (const t of r.theorems) {
    assert.deepEqual(Object.keys(t).slice(0, 3), ['id', 'status', 'seconds'], `${t.id}: id, status and seconds come first`);
    assert.ok((THEOREM_IDS as readonly string[]).includes(t.id), t.id);
    assert.ok(STATUSES.includes(t.status), `${t.id}: status ${t.status}`);
    assert.ok(typeof t.seconds === 'number' && t.seconds >= 0, `${t.id}: seconds`);
    assert.ok(t.statement.length > 0 && t.assumptions.length > 0 && t.obligations.length > 0, `${t.id}: statement, assumptions, obligations`);
    assert.equal(t.counterexample !== undefined, t.status === 'refuted', `${t.id}: a counterexample exactly when refuted`);
    assert.equal(t.reason !== undefined, t.status === 'unknown', `${t.id}: a reason exactly when unknown`);
  }
  for (const c of r.controls) {
    assert.ok(STATUSES.includes(c.status), `${c.id}: status ${c.status}`);
    assert.equal(c.expected, 'refuted');
    assert.ok((THEOREM_IDS as readonly string[]).includes(c.theorem), `${c.id}: theorem ${c.theorem}`);
    assert.equal(c.counterexample !== undefined, c.status === 'refuted', `${c.id}: a counterexample exactly when refuted`);
  }
}

/** Counterexamples of the default controls, decoded into the reviewer's terms: slot, bits, addresses, regions. */
function assertDecoded(r: ProveJson): void {
  const cx = (id: string) => {
    const found = r.controls.find((c) => c.id === id)?.counterexample;
    assert.ok(found !== undefined, `${id} has a counterexample`);
    return found;
  };
  const alias = cx('validator-forgets-writable-alias') as { slot: string; newPte: Record<string, string>; changedBits: string[] };
  assert.match(alias.slot, /level-[012] page table/);
  assert.match(alias.newPte['flags']!, /^VRW/, 'a valid, writable leaf');
  assert.ok(alias.changedBits.includes('W 0→1 (bit 2)'), alias.changedBits.join('; '));
  assert.match(alias.newPte['physicalAddresses']!, /^\[0x[0-9a-f]+, 0x[0-9a-f]+\)$/);
  assert.ok([alias.newPte['firstFrameIn'], alias.newPte['lastFrameIn']].includes('executable'), 'it maps a code frame');
  // The smallest access the first-byte-only filter lets through: 2 bytes straddling the end of shared I/O DRAM.
  const straddle = cx('first-byte-only-bus-filter');
  assert.equal(straddle['access'], '2 byte(s) at 0x13fffffff, i.e. [0x13fffffff, 0x140000001)');
  assert.equal(straddle['startReaches'], 'sharedIoDram');
  assert.equal(straddle['byteReaches'], 'hypervisorDram');
  // The deny-list forgets that the interconnect ignores address bits 63:56.
  const alias56 = cx('deny-list-bus-filter');
  assert.notEqual(BigInt(String(alias56['byteAddress'])) >> 56n, 0n, 'high bits set');
  assert.equal(alias56['decodedPhysicalAddress'], '0x' + (BigInt(String(alias56['byteAddress'])) & ((1n << 56n) - 1n)).toString(16));
}

/** Whether a native `z3` binary is on the PATH (the SMT-LIB cross-check needs one). */
function nativeZ3(): boolean {
  const probe = spawnSync('z3', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

const ADMINS = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'].map((id) => ({ id }));

describe('cli: guillotine prove', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guillotine-prove-'));
    // Start the solver here, so every in-process run below shares it instead of starting and
    // stopping its own (the root hook of test/hooks.ts shuts it down at the end).
    await z3Session();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('proves_every_theorem_for_the_default_policy_and_exits_0', async () => {
    const run = await runCli(['prove']);
    assert.equal(run.code, 0, run.out + run.err);
    for (const id of THEOREM_IDS) assert.match(run.out, new RegExp(`${id}\\s.*PROVED`), `${id} is listed as proved`);
    assert.match(run.out, /All theorems proved\./);
    // Progress goes to stderr, one line per theorem, and never into the report.
    assert.equal(run.err.split('\n').filter((l) => l.startsWith('prove: ')).length, THEOREM_IDS.length, run.err);
    assert.doesNotMatch(run.out, /^prove: /m);
  });

  describe('--json --controls --emit-smt2, run once for the tests below', () => {
    let report: ProveJson;
    let smt2: string;
    before(async () => {
      smt2 = join(dir, 'smt2');
      const run = await runCli(['prove', '--json', '--controls', '--emit-smt2', smt2]);
      assert.equal(run.code, 0, run.err);
      report = parse(run);
    });

    it('prints_json_of_the_documented_shape_with_every_theorem_proved_and_every_control_refuted_with_its_counterexample_decoded', () => {
      assertShape(report);
      assert.deepEqual(report.theorems.map((t) => t.id), THEOREM_IDS);
      assert.ok(report.theorems.every((t) => t.status === 'proved'));
      const subject = { policy: DEFAULT_POLICY, layout: DEFAULT_LAYOUT };
      assert.deepEqual(report.controls.map((c) => c.id), THEOREMS.flatMap((t) => t.controls(subject).map((c) => c.id)), 'every control of every theorem, in order');
      for (const c of report.controls) assert.equal(c.status, 'refuted', `${c.id}: ${c.reason ?? ''}`);
      assertDecoded(report);
    });

    it('writes_every_query_as_smt2_with_a_manifest_of_verdicts_that_native_z3_gives_too', function () {
      // One file per query: each `valid` obligation's vacuity check and its negation, each `satisfiable` one's witness search.
      const manifest = JSON.parse(readFileSync(join(smt2, 'manifest.json'), 'utf8')) as { queries: { file: string; verdict: string }[] };
      const subject = { policy: DEFAULT_POLICY, layout: DEFAULT_LAYOUT };
      const expected = THEOREMS.flatMap((t) => t.obligations(subject)).reduce((n, o) => n + (o.mode === 'valid' ? 2 : 1), 0);
      assert.equal(manifest.queries.filter((q) => !q.file.startsWith('controls')).length, expected);
      assert.ok(manifest.queries.some((q) => q.file.startsWith('controls') && q.verdict === 'sat'), 'refuted controls leave their satisfiable query');
      for (const t of THEOREM_IDS) assert.ok(readdirSync(join(smt2, t)).length > 0, `${t} has query files`);

      if (!nativeZ3()) {
        // The issue asks for the cross-check "where one is installed"; say so rather than pass silently.
        this.skip();
      }
      // Every query in one z3 process, `(reset)` between them, one answer line each: a hundred
      // processes, one per file, took seconds of start-up alone, and four times that on a busy machine.
      const script = manifest.queries.map((q) => `${readFileSync(join(smt2, q.file), 'utf8')}\n(reset)\n`).join('');
      const native = spawnSync('z3', ['-in', '-T:600'], { input: script, encoding: 'utf8' });
      const answers = native.stdout.split('\n').filter((line) => line.trim() !== '');
      assert.equal(answers.length, manifest.queries.length, `one answer per query: ${native.stdout}${native.stderr}`);
      manifest.queries.forEach((q, i) => assert.equal(answers[i]!.trim(), q.verdict, `native z3 on ${q.file}`));
    });
  });

  it('refutes_quorum_arithmetic_for_a_policy_whose_quorums_need_not_meet_naming_two_disjoint_groups_and_exits_1', async () => {
    const unsafe = join(dir, 'disjoint-quorums.json');
    writeFileSync(unsafe, JSON.stringify({ admins: ADMINS, quorum: { escalate: 2, deescalate: 5 } }));
    const table = await runCli(['prove', '--policy', unsafe, '--only', 'quorum-arithmetic']);
    assert.equal(table.code, 1, table.out + table.err);
    assert.match(table.out, /quorum-arithmetic\s.*REFUTED/);
    assert.match(table.out, /escalationQuorum: a1, a2\n/);
    assert.match(table.out, /deescalationQuorum: a3, a4, a5, a6, a7\n/);
    assert.match(table.out, /sharedAdmins: \(none\)/);

    const json = await runCli(['prove', '--policy', unsafe, '--only', 'quorum-arithmetic', '--json']);
    assert.equal(json.code, 1);
    const report = parse(json);
    assertShape(report);
    const cx = report.theorems[0]?.counterexample as { obligation: string; escalationQuorum: string[]; deescalationQuorum: string[]; confirmedConcretely: boolean };
    assert.equal(cx.obligation, 'escalation-meets-deescalation');
    assert.ok(cx.escalationQuorum.length >= 2 && cx.deescalationQuorum.length >= 5, 'each group is a quorum');
    assert.deepEqual(cx.escalationQuorum.filter((a) => cx.deescalationQuorum.includes(a)), [], 'the two groups share no admin');
    assert.equal(cx.confirmedConcretely, true);
  });

  it('refutes_strict_majority_for_a_deescalation_quorum_of_half_the_admins', async () => {
    const half = join(dir, 'half.json');
    writeFileSync(half, JSON.stringify({ admins: ADMINS.slice(0, 6), quorum: { escalate: 4, deescalate: 3 } }));
    const run = await runCli(['prove', '--policy', half, '--only', 'quorum-arithmetic', '--json']);
    assert.equal(run.code, 1);
    const obligations = parse(run).theorems[0]!.obligations;
    assert.equal(obligations.find((o) => o.name === 'deescalation-strict-majority')?.status, 'refuted');
    assert.equal(obligations.find((o) => o.name === 'escalation-meets-deescalation')?.status, 'proved', '4 + 3 > 6: these do meet');
  });

  it('prints_each_negative_control_refuted_as_expected_with_its_decoded_counterexample', async () => {
    const run = await runCli(['prove', '--controls', '--only', 'descriptor-bounds']);
    assert.equal(run.code, 0, run.out + run.err);
    assert.match(run.out, /naive-descriptor-check\s.*refuted as expected/);
    // The classic wrap-around, in the reviewer's terms: the values, the wrapped sum, and that it wraps.
    assert.match(run.out, /offset: 0xffffffffffffffff\n\s+length: 0x1\n\s+payloadSize: 0x0\n/);
    assert.match(run.out, /offsetPlusLengthIn64Bits: 0x0\n/);
    assert.match(run.out, /wrapsAround: true/);
    assert.match(run.out, /all controls refuted\./);
  });

  it('reports_a_solver_timeout_as_unknown_with_its_reason_and_exits_3_incomplete', async () => {
    const run = await runCli(['prove', '--only', 'exec-pages-immutable', '--timeout-ms', '1']);
    assert.equal(run.code, 3, run.out);
    assert.match(run.err, /guillotine: incomplete: the solver answered unknown for exec-pages-immutable within --timeout-ms 1, and nothing was refuted; raise it with --timeout-ms N\n$/);
    assert.match(run.out, /exec-pages-immutable\s.*UNKNOWN/);
    assert.match(run.out, /timeout after 1 ms/);
  });

  it('prints_the_same_report_for_the_same_input_but_for_timings', async () => {
    const args = ['prove', '--json', '--controls', '--only', 'model-cannot-reach-hypervisor,quorum-arithmetic'];
    const first = await runCli(args);
    const second = await runCli(args);
    assert.equal(first.code, 0);
    assert.equal(withoutTiming(second.out), withoutTiming(first.out));
  });

  describe('bad input exits 2 with one message naming what is allowed', () => {
    const cases: [string, string[], RegExp][] = [
      ['an unknown --only id', ['--only', 'exec-pages'], /--only: no theorem has id "exec-pages"; ids: exec-pages-immutable, model-cannot-reach-hypervisor, descriptor-bounds, ring-index-bounds, quorum-arithmetic/],
      ['an empty --only id', ['--only', 'quorum-arithmetic,'], /--only: an empty theorem id; give one or more of: exec-pages-immutable/],
      ['a zero --timeout-ms', ['--timeout-ms', '0'], /--timeout-ms takes a whole number from 1 to 3600000, got 0/],
      ['a fractional --timeout-ms', ['--timeout-ms', '1.5'], /--timeout-ms takes a whole number from 1 to 3600000, got "1.5"/],
      ['a non-numeric --timeout-ms', ['--timeout-ms', 'soon'], /--timeout-ms takes a whole number from 1 to 3600000, got "soon"/],
      ['a missing policy file', ['--policy', 'no/such/policy.json'], /bad policy: .*no\/such\/policy\.json/],
    ];
    for (const [what, args, message] of cases) {
      it(`refuses ${what}`, async () => {
        const run = await runCli(['prove', ...args]);
        assert.equal(run.code, 2, run.out + run.err);
        assert.match(run.err, message);
        assert.equal(run.out, '', 'nothing on stdout');
        assert.ok(!looksLikeCrash(run.err), run.err);
      });
    }

    it('refuses a policy with an unknown key, naming its path', async () => {
      const file = join(dir, 'typo.json');
      writeFileSync(file, JSON.stringify({ admins: ADMINS, quorum: { escalate: 3, deescalat: 5 } }));
      const run = await runCli(['prove', '--policy', file]);
      assert.equal(run.code, 2);
      assert.match(run.err, /quorum: unknown key "deescalat"; allowed keys: .*deescalate/);
      assert.ok(!looksLikeCrash(run.err), run.err);
    });

    it('refuses an --emit-smt2 directory that cannot be created', async () => {
      const file = join(dir, 'a-file');
      writeFileSync(file, '');
      const run = await runCli(['prove', '--only', 'quorum-arithmetic', '--emit-smt2', join(file, 'sub')]);
      assert.equal(run.code, 2);
      assert.match(run.err, /--emit-smt2: cannot create directory/);
      assert.ok(!looksLikeCrash(run.err), run.err);
    });
  });

  it('documents_its_options_theorem_ids_and_exit_codes_in_help', async () => {
    const run = await runCli(['prove', '--help']);
    assert.equal(run.code, 0);
    for (const option of ['--policy', '--only', '--controls', '--json', '--emit-smt2', '--timeout-ms']) assert.ok(run.out.includes(option), option);
    for (const id of THEOREM_IDS) assert.ok(run.out.includes(id), id);
    assert.match(run.out, /Exit status: 0/);
  });

  it('exits_by_itself_when_run_as_a_process_because_z3_threads_are_shut_down', async () => {
    // A real process, as a user runs it: were Z3's worker threads left alive, Node would never exit
    // and the guard below would kill it (a hang detector, not a speed limit).
    const bin = fileURLToPath(new URL('../../bin/guillotine.js', import.meta.url));
    const result = await promisify(execFile)(process.execPath, [bin, 'prove', '--only', 'quorum-arithmetic'], { timeout: 300_000, encoding: 'utf8' }).catch(
      (error: { code?: number; signal?: string; stdout?: string; stderr?: string }) => error,
    );
    assert.ok(!('signal' in result && result.signal), 'the process had to be killed: it did not exit by itself');
    assert.ok(!('code' in result && result.code), `exit code ${'code' in result ? String(result.code) : ''}: ${result.stderr ?? ''}`);
    assert.match(result.stdout ?? '', /quorum-arithmetic\s.*PROVED/);
  });
});
