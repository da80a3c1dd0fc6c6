/**
 * A log opened like a trace (`guillotine viz --log FILE`, `report --log FILE`): what `guillotine
 * validate` concludes about the log, as the page shows it. The behaviour of the statechart that
 * explains the log (or, when it diverges, the one matched up to the divergent record) becomes the
 * page's trace; each of its events is tied to the log record whose stimulus it was — the record's
 * line and time — or marked as supplied by the search (the log does not show it), so a reviewer
 * sees which events were observed and which inferred. A divergence is marked after the last
 * matched step, with validate's reason, what the log shows there, what the statechart allowed
 * instead (each a link that replays it) and the replay handle; a log the search could not decide
 * (validate's exit 3) is shown as incomplete.
 *
 * Everything here reads `validate/`'s result; nothing is decided about the protocol.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { logValidation, type LogValidation, type ValidationOptions, type ValidationResult } from '../validate/index.ts';
import type { Divergence } from '../validate/report.ts';
import { changeWords, proposalWords } from '../validate/match.ts';
import type { LogObservation } from '../spec/log.ts';
import type { Policy } from '../spec/policy.ts';
import { fileErrorWords } from '../spec/fileError.ts';
import { terminalSafe } from '../spec/terminalText.ts';
import { xml } from './escape.ts';

/** Where each event of the behaviour came from: the record it was the stimulus of, or null when the search supplied it. */
export type StepSource = { readonly line: number; readonly t: number } | null;

/** A divergence as the page shows it. */
export interface LogDivergenceView {
  readonly line: number;
  readonly record: number;
  readonly t: number;
  readonly kind: Divergence['kind'];
  readonly summary: string;
  readonly stimulus: string | null;
  /** What the record shows, field by field, in words. */
  readonly shows: readonly string[];
  /** The statechart's closest behaviours there: each continues the matched path. */
  readonly candidates: readonly { readonly events: string; readonly lines: readonly string[] }[];
  readonly tried: number;
  readonly properties: readonly { readonly property: string; readonly reason: string }[];
}

export interface LogView {
  /** The log file as given on the command line. */
  readonly file: string;
  readonly verdict: 'consistent' | 'divergent' | 'incomplete';
  /** One line: what validate concluded. */
  readonly headline: string;
  /** The kinds of stimulus the log records completely (its header). */
  readonly complete: readonly string[];
  readonly records: number;
  readonly lastT: number;
  /** The matched behaviour in the compact path encoding, or null when longer than validate keeps. */
  readonly path: string | null;
  readonly events: number;
  readonly supplied: number;
  /** Per event of `path`, where it came from. */
  readonly sources: readonly StepSource[] | null;
  /**
   * Every record the behaviour explains, in the log's order, with the step whose state it shows
   * (`after`: the events before it, its own stimulus included): a record that only shows state (a
   * level-record entry, a vote that counts for nothing) is tied to a step this way too.
   */
  readonly explained: readonly { readonly line: number; readonly t: number; readonly after: number }[] | null;
  readonly divergence: LogDivergenceView | null;
  /** For an incomplete verdict: where the search reached a bound, and which. */
  readonly bound: { readonly line: number; readonly what: string } | null;
  /** The command that replays the matched behaviour. */
  readonly replay: string | null;
}

export type LogFileReading =
  | { readonly ok: true; readonly validation: LogValidation; readonly result: Exclude<ValidationResult, { kind: 'malformed' }> }
  /** The file cannot be read, or the log is malformed: validate's one-line message. */
  | { readonly ok: false; readonly message: string };

/**
 * Validates a log file, read by chunks (`options`: validate's, the policy among them). A file that
 * cannot be read or a malformed log comes back as validate's one-line message.
 */
export function validateLogFile(path: string, options: ValidationOptions = {}): LogFileReading {
  return logFile(path, options, { growing: false }).read();
}

/**
 * A log file validated as it grows (`viz --log FILE --watch`): each {@link read} feeds the
 * validation what was appended since the last one — whole lines only, so a line being written is
 * read once it is complete — and returns the verdict so far. Once the log diverges the verdict is
 * final and more records change nothing (as `validate --follow`). A file that shrank (truncated,
 * rotated) is validated again from its start.
 */
export function logFile(path: string, options: ValidationOptions, mode: { readonly growing: boolean }): { read(): LogFileReading } {
  const named = terminalSafe(JSON.stringify(path), { limit: 300 });
  let validation = logValidation(options);
  let decoder = new StringDecoder('utf8');
  let position = 0;
  let pending = '';
  let final: ValidationResult | null = null;
  const buffer = Buffer.allocUnsafe(1 << 20);
  const verdict = (result: ValidationResult): LogFileReading =>
    result.kind === 'malformed' ? { ok: false, message: `bad log ${terminalSafe(path, { limit: 300 })}: line ${result.line}: ${result.message}` } : { ok: true, validation, result };
  return {
    read() {
      let fd: number;
      try {
        fd = openSync(path, 'r');
      } catch (error) {
        return { ok: false, message: `cannot read log ${named}: ${fileErrorWords(error)}` };
      }
      try {
        const stat = fstatSync(fd);
        if (stat.isDirectory()) return { ok: false, message: `cannot read log ${named}: ${fileErrorWords({ code: 'EISDIR' })}` };
        if (!stat.isFile()) return { ok: false, message: `cannot read log ${named}: it is not a regular file; give a log file` };
        if (stat.size < position) {
          validation = logValidation(options);
          decoder = new StringDecoder('utf8');
          position = 0;
          pending = '';
          final = null;
        }
        if (final !== null) return verdict(final);
        for (;;) {
          const n = readSync(fd, buffer, 0, buffer.length, position);
          if (n === 0) break;
          position += n;
          const text = pending + decoder.write(buffer.subarray(0, n));
          const cut = mode.growing ? text.lastIndexOf('\n') + 1 : text.length;
          pending = text.slice(cut);
          final = validation.push(text.slice(0, cut));
          if (final !== null) return verdict(final);
        }
        if (!mode.growing) {
          const rest = pending + decoder.end();
          pending = '';
          final = (rest === '' ? null : validation.push(rest)) ?? validation.end();
          return verdict(final);
        }
        // Only whole lines were fed: ending here reads no partial line, so the log can still grow.
        const now = validation.end();
        if (now.kind !== 'consistent') final = now;
        return verdict(now);
      } finally {
        closeSync(fd);
      }
    },
  };
}

/** What a record shows, field by field, in words (as `guillotine validate` prints it). */
export function observationWords(shows: LogObservation): string[] {
  const out: string[] = [];
  if (shows.level !== undefined) out.push(`level ${shows.level}`);
  if (shows.proposal !== undefined) out.push(`proposal ${proposalWords(shows.proposal)}`);
  if (shows.hypervisor !== undefined) out.push(`hypervisor ${shows.hypervisor}`);
  if (shows.capabilities !== undefined) out.push(`capabilities ${Object.entries(shows.capabilities).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (shows.actuators !== undefined) out.push(`actuators ${shows.actuators.join('+') || 'none'}`);
  if (shows.missed !== undefined) out.push(`missed ${shows.missed}`);
  if (shows.record !== undefined) out.push(`level record ${changeWords(shows.record)}`);
  return out;
}

const duration = (ms: number) => (ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);

/** A word for a shell: bare when safe, else single-quoted. */
const shellWord = (text: string) => (/^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

/**
 * The page's view of a validated log. `policyFile` is the `--policy` given (it goes into the
 * replay command); without one the log's own policy or the default was used, as validate says.
 */
export function logView(file: string, validation: LogValidation, result: Exclude<ValidationResult, { kind: 'malformed' }>, policyFile?: string): LogView {
  const behaviour = result.kind === 'consistent' ? result.behaviour : result.divergence.matched;
  const steps = validation.steps();
  const f = result.figures;
  const policy = policyFile === undefined ? '' : ` --policy ${shellWord(policyFile)}`;
  const replay = behaviour.path === null ? null : `guillotine replay${policy} --path ${shellWord(behaviour.path)}${policyFile === undefined && validation.policySource === 'log' ? "   (under the log's own policy)" : ''}`;
  const over = `${f.records.toLocaleString('en-US')} record(s) over ${duration(f.lastT)}`;
  let headline: string;
  let divergence: LogDivergenceView | null = null;
  if (result.kind === 'consistent') {
    headline = `CONSISTENT: a behaviour of the statechart explains all ${over}: ${behaviour.events} events, ${behaviour.supplied} of them supplied by the search`;
  } else {
    const d = result.divergence;
    headline = result.kind === 'divergent'
      ? `DIVERGES at line ${d.line} (record ${d.record}, t = ${d.t} ms): ${d.summary}${d.properties.length === 0 ? '' : `; breaks ${d.properties.map((p) => p.property).join(', ')}`}`
      : `INCOMPLETE: no divergence proven; the search reached a bound at line ${result.bound.line} (${result.bound.what}); the first record not explained is line ${d.line}`;
    divergence = {
      line: d.line, record: d.record, t: d.t, kind: d.kind, summary: d.summary, stimulus: d.stimulus,
      shows: observationWords(d.shows),
      candidates: d.candidates.map((c) => ({ events: c.events, lines: [...(c.note === null ? [] : [c.note]), ...c.diffs.map((x) => `${x.field}: log ${x.log}, statechart ${x.spec}`)] })),
      tried: d.tried,
      properties: d.properties,
    };
  }
  return {
    file,
    verdict: result.kind,
    headline,
    complete: validation.header?.complete ?? [],
    records: f.records,
    lastT: f.lastT,
    path: behaviour.path,
    events: behaviour.events,
    supplied: behaviour.supplied,
    sources: steps === null ? null : steps.map((s) => s.recorded),
    explained: validation.explained(),
    divergence,
    bound: result.kind === 'incomplete' ? result.bound : null,
    replay,
  };
}

/** The step the page opens a log at: the last matched event (the divergence is marked right after it). */
export function logHash(view: LogView): string | null {
  if (view.path === null) return null;
  // `:` and `,` left readable, as the page writes its own hashes.
  return `#path=${encodeURIComponent(view.path).replace(/%3A/gi, ':').replace(/%2C/gi, ',')}&step=${view.events}`;
}

const linkTo = (path: string, step: number | null, text: string, title: string) =>
  `<a class="trace-link" href="#path=${xml(encodeURIComponent(path))}${step === null ? '' : `&amp;step=${step}`}" title="${xml(title)}">${xml(text)}</a>`;

/**
 * The log panel of the page: the verdict, the log's figures, and a divergence in full — what the
 * log shows, what the statechart allowed instead (each a link to that behaviour), the §4
 * properties the logged step breaks — and the replay handle. Static: the steps are tied to their
 * records by the page's script, from `sources`.
 */
export function logPanelHtml(view: LogView): string {
  const out: string[] = [];
  out.push(`<p class="log-file">log <code>${xml(view.file)}</code>: ${view.records.toLocaleString('en-US')} record(s) over ${xml(duration(view.lastT))}; recorded completely: ${xml(view.complete.length === 0 ? 'nothing' : view.complete.join(', '))}</p>`);
  out.push(`<p class="log-verdict verdict-${view.verdict}" id="log-verdict">${xml(view.headline)}</p>`);
  out.push(`<p class="muted" id="log-legend"><span class="badge observed">observed</span> the event is a record's stimulus (line, time) · <span class="badge supplied">supplied</span> the log does not show it: the search inferred it between two records</p>`);
  const d = view.divergence;
  if (d !== null) {
    // Folded: the verdict above says where; the trace below stays in view. The page opens it from the marked step.
    out.push(`<details id="log-divergence" data-line="${d.line}" data-kind="${d.kind}">`);
    out.push(`<summary>${view.verdict === 'incomplete' ? 'Not explained within the bounds' : 'Diverges'} at line ${d.line} (record ${d.record}, t = ${xml(String(d.t))} ms)${d.stimulus === null ? '' : `: ${xml(d.stimulus)}`}</summary>`);
    out.push(`<p>${xml(d.summary)}</p>`);
    out.push(`<p><strong>The log shows:</strong> ${xml(d.shows.length === 0 ? 'nothing besides its stimulus' : d.shows.join('; '))}</p>`);
    if (d.candidates.length > 0 && view.path !== null) {
      out.push(`<p><strong>What the statechart allows instead</strong>, closest first (${d.candidates.length} of ${d.tried.toLocaleString('en-US')} tried; each continues the matched behaviour):</p><ol class="log-candidates">`);
      for (const c of d.candidates) {
        const path = [view.path, c.events].filter((p) => p !== '').join(',');
        out.push(`<li>${linkTo(path, null, c.events === '' ? '(no event)' : c.events, 'replay the matched behaviour, then this')}${c.lines.length === 0 ? '' : `<ul>${c.lines.map((l) => `<li>${xml(l)}</li>`).join('')}</ul>`}</li>`);
      }
      out.push('</ol>');
    }
    if (d.properties.length > 0) out.push(`<ul class="violations">${d.properties.map((p) => `<li><strong>✗ breaks ${xml(p.property)}</strong>: ${xml(p.reason)}</li>`).join('')}</ul>`);
    if (view.bound !== null) out.push(`<p class="muted">Raise the bound (validate's --max-gap, --max-candidates) to decide.</p>`);
    out.push('</details>');
  }
  if (view.path === null) out.push(`<p class="error">The behaviour has ${view.events.toLocaleString('en-US')} events, more than validate keeps: it is counted, not drawn.</p>`);
  if (view.replay !== null) out.push(`<p class="muted log-replay">Matched behaviour: ${linkTo(view.path!, view.events, `${view.events} events (${view.supplied} supplied)`, 'open the matched behaviour at its last step')} · <code>${xml(view.replay)}</code></p>`);
  return out.join('\n');
}
