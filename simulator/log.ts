/**
 * The simulated machine writes the log a real deployment would (`spec/log.ts`,
 * docs/log-format.md): one record per stimulus it receives — the §7 event, or the signed vote as
 * the console received it — with what it showed right after: level, open proposal (the admins
 * whose votes the console counts, in arrival order), hypervisor running or rebooting, actuators
 * awaiting confirmation, the watchdog's count, and, when the step changed the level, the entry
 * its physical hypervisor appended to the hash-chained level record and the capability row now
 * commanded (the port gate's rule read off the gate itself).
 *
 * A recorder may record less, as a less thorough deployment would: only some kinds of stimulus
 * (the header then says which are complete), and without the observations. With `level` among
 * its kinds, every change of level has a record: the record of the stimulus that caused it, or,
 * when that stimulus is not recorded, a record of its own with the new level and the entry.
 *
 * It only observes: a run with a recorder is the same run as without one (same events, same report).
 */
import type { Capabilities } from '../spec/levels.ts';
import { EVENT_TYPES, type GuillotineEvent } from '../spec/events.ts';
import { LOG_FORMAT, LOG_KINDS, type LogHeaderInput, type LogKind, type LogRecord } from '../spec/log.ts';
import type { PolicyInput } from '../spec/policy.ts';
import type { Vote } from './console.ts';
import type { LevelChange } from './physical.ts';
import type { GuillotineSystem } from './system.ts';

export interface LogRecorderOptions {
  /** The kinds recorded, each completely (default: every kind, {@link LOG_KINDS}). */
  readonly kinds?: readonly LogKind[];
  /** Write what the machine shows after each recorded stimulus (default true). */
  readonly observations?: boolean;
  /** Who wrote the log (the header's `source`), for example the command that reproduces the run. */
  readonly source?: string;
  /**
   * Whether the machine's clock is real time (default true). A scripted machine (the conformance
   * adapter, where a test drives every timer) writes `false`, so its deadlines are not checked.
   */
  readonly timed?: boolean;
}

/** Base64 of the raw 32-byte Ed25519 public key, from the SPKI DER encoding (its last 32 bytes). */
function rawPublicKey(key: import('node:crypto').KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
}

interface Pending {
  readonly at: number;
  readonly vote?: Vote;
  event?: GuillotineEvent;
  change?: LevelChange;
}

/**
 * Records `system`'s stimuli as log lines passed to `write` (each without its newline), the header
 * first. Call {@link LogRecorder.finish} at the end of the run: the last record is written when the
 * next stimulus arrives, so that it shows the state its own stimulus left.
 */
export class LogRecorder {
  private readonly kinds: ReadonlySet<LogKind>;
  private readonly observations: boolean;
  private pending: Pending | null = null;
  private records = 0;

  constructor(private readonly system: GuillotineSystem, private readonly write: (line: string) => void, options: LogRecorderOptions = {}) {
    this.kinds = new Set(options.kinds ?? LOG_KINDS);
    this.observations = options.observations ?? true;
    // The policy as the console runs it: every admin's key pinned, so a validator can check each vote's signature.
    const policy: PolicyInput = { ...system.policy, admins: system.policy.admins.map((a) => ({ id: a.id, publicKey: rawPublicKey(system.keys.get(a.id)!) })) };
    const header: LogHeaderInput = {
      format: LOG_FORMAT, complete: LOG_KINDS.filter((k) => this.kinds.has(k)), policy,
      ...(options.source === undefined ? {} : { source: options.source }), ...(options.timed === false ? { timed: false } : {}),
    };
    write(JSON.stringify(header));
    system.stimulusObservers.push({
      before: () => this.flush(),
      vote: (vote) => {
        this.pending = { at: system.clock.now, vote };
      },
      event: (event) => {
        // A vote's event comes after it is handled; the record keeps the vote itself.
        if (this.pending === null) this.pending = { at: system.clock.now, event };
        else if (this.pending.vote === undefined) this.pending.event ??= event;
      },
    });
    system.onLevelChange.push((change) => {
      if (this.pending === null) this.pending = { at: system.clock.now };
      this.pending.change = change;
    });
  }

  /** Records written so far (the header not counted). */
  get written(): number {
    return this.records;
  }

  /** Writes the last record. The recorder keeps observing: call it once, at the end of the run. */
  finish(): void {
    this.flush();
  }

  private flush(): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const kind: LogKind | null = p.vote !== undefined ? p.vote.kind : (p.event?.type ?? null);
    const stimulusRecorded = kind !== null && this.kinds.has(kind);
    const changeRecorded = p.change !== undefined && this.kinds.has('level');
    if (!stimulusRecorded && !changeRecorded) return;
    const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = { t: p.at / 1000 };
    if (stimulusRecorded) {
      if (p.vote !== undefined) record.vote = { kind: p.vote.kind, admin: p.vote.admin, nonce: p.vote.nonce, from: p.vote.from, to: p.vote.to, signature: p.vote.signature };
      else if (p.event !== undefined) record.event = p.event;
    }
    const s = this.system;
    if (this.observations || changeRecorded) record.level = s.level;
    if (this.observations) {
      const open = s.console.proposal;
      record.proposal = open === null ? null : { from: open.from, to: open.to, approvals: open.votes.map((v) => v.admin) };
      record.hypervisor = s.hypervisor.isRunning ? 'running' : 'rebooting';
      record.actuators = s.physical.pending();
      record.missed = s.physical.missedPeriods;
      if (p.change !== undefined) record.capabilities = this.capabilities();
    }
    if (changeRecorded && p.change !== undefined) {
      const c = p.change;
      record.record = { at: c.at, from: c.from, to: c.to, cause: c.cause, nonce: c.nonce, hash: c.hash };
    }
    this.records++;
    this.write(JSON.stringify(record));
  }

  /** The capability row the machine enforces now: cores, the port gate's rule, and the actuators' commanded outputs. */
  private capabilities(): Capabilities {
    const s = this.system;
    return { modelCores: s.core.halted ? 'halted' : 'run', ports: s.portService(), ...s.physical.commandedRow() };
  }
}

/** The kinds a comma-separated list names: event types, `level`, and `votes` for both kinds of vote. */
export function parseLogKinds(text: string): { readonly ok: true; readonly kinds: LogKind[] } | { readonly ok: false; readonly message: string } {
  const kinds = new Set<LogKind>();
  for (const word of text.split(',').map((w) => w.trim()).filter((w) => w !== '')) {
    if (word === 'votes') kinds.add('propose').add('approve');
    else if (word === 'all') for (const k of LOG_KINDS) kinds.add(k);
    else if ((LOG_KINDS as readonly string[]).includes(word)) kinds.add(word as LogKind);
    else return { ok: false, message: `${JSON.stringify(word.slice(0, 40))} is not a kind of record; allowed: all, votes, level, ${EVENT_TYPES.join(', ')}` };
  }
  if (kinds.size === 0) return { ok: false, message: 'no kind of record named; allowed: all, votes, level, and the event types' };
  return { ok: true, kinds: LOG_KINDS.filter((k) => kinds.has(k)) };
}
