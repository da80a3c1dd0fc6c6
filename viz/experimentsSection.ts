/**
 * The simulator's experiments on the review page: the soak as plots (the isolation level over
 * time with a lane of markers per trigger, and a time-to-isolation histogram per trigger with the
 * policy's deadline drawn), the side-channel attacker's accuracy (conventional vs Guillotine vs
 * chance) and the port-resilience table, each followed by its claims with their evidence.
 * Every figure comes from the simulator's own result objects; nothing is recomputed here.
 */
import type { Policy } from '../spec/policy.ts';
import type { Claim } from '../simulator/scenarios/report.ts';
import { runPortResilience, type PortResilienceReport } from '../simulator/scenarios/portResilience.ts';
import { runSideChannel, type SideChannelReport } from '../simulator/scenarios/sideChannel.ts';
import { histogram, levelPlot, type LevelPoint, type TriggerLane } from './plot.ts';
import { xml } from './svg.ts';
import { SECTION_TITLES, type Section } from './section.ts';

/** The soak as the plots need it (read from the simulator's soak result by {@link soakPlotData}). */
export interface SoakPlotData {
  readonly hours: number;
  /** The level from t = 0 and after each change, hours since the start. */
  readonly levels: readonly LevelPoint[];
  readonly lanes: readonly TriggerLane[];
  /** Per trigger, the time each occurrence took to bring the level to what the policy requires. */
  readonly timeToIsolation: readonly {
    readonly trigger: string;
    readonly required: string;
    readonly valuesMs: readonly number[];
    readonly deadlineMs: number | null;
    readonly p50: number | null;
    readonly p99: number | null;
    readonly max: number | null;
  }[];
  readonly changesByCause: Readonly<Record<string, number>>;
  readonly escapes: Readonly<Record<string, number>>;
}

/** What the section renders: each experiment's result, or why it is missing. */
export interface ExperimentResults {
  readonly seed: number;
  readonly soak: SoakPlotData | { readonly error: string };
  readonly soakClaims: readonly Claim[];
  readonly sideChannel: SideChannelReport | { readonly error: string };
  readonly portResilience: PortResilienceReport | { readonly error: string };
}

const num = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));

function claimsList(claims: readonly Claim[]): string {
  if (claims.length === 0) return '';
  return `<ul class="claims">${claims
    .map((c) => `<li class="${c.holds ? 'holds' : 'fails'}" data-claim="${xml(c.id)}"><span class="mark">${c.holds ? '✔' : '✘'}</span> ${xml(c.statement)} <span class="muted">— ${xml(c.evidence)}</span></li>`)
    .join('')}</ul>`;
}

function missing(what: string, error: string): string {
  return `<p class="unavailable">${xml(what)} is not available: ${xml(error)}</p>`;
}

function soakHtml(soak: SoakPlotData | { readonly error: string }, claims: readonly Claim[]): string {
  if ('error' in soak) return `<h3>Soak</h3>${missing('The soak', soak.error)}`;
  const plots = soak.timeToIsolation.map((t) =>
    histogram({
      values: t.valuesMs,
      deadline: t.deadlineMs,
      title: `${t.trigger} → ${t.required}: ${t.valuesMs.length.toLocaleString('en-US')} runs, p50 ${num(t.p50)} ms, p99 ${num(t.p99)} ms`,
      xTitle: 'time to isolation (ms)',
    }),
  );
  const rows = soak.timeToIsolation
    .map((t) => {
      const late = t.deadlineMs === null ? null : t.valuesMs.filter((v) => v > t.deadlineMs!).length;
      return `<tr class="${late ? 'status-fail' : 'status-pass'}" data-trigger="${xml(t.trigger)}"><td>${xml(t.trigger)}</td><td>${xml(t.required)}</td><td>${t.valuesMs.length.toLocaleString('en-US')}</td><td>${num(t.p50)}</td><td>${num(t.p99)}</td><td>${num(t.max)}</td><td>${num(t.deadlineMs)}</td><td class="verdict">${late === null ? '—' : late === 0 ? 'all in time' : `${late} late`}</td></tr>`;
    })
    .join('');
  const causes = Object.entries(soak.changesByCause).map(([cause, count]) => `${xml(cause)} ${count.toLocaleString('en-US')}`).join(', ');
  const escapes = Object.entries(soak.escapes).map(([kind, count]) => `<span class="${count === 0 ? '' : 'warning'}">${xml(kind)} ${count}</span>`).join(', ');
  return (
    `<h3>Soak: ${soak.hours} virtual hours</h3>` +
    `<div class="plots">${levelPlot({ hours: soak.hours, levels: soak.levels, lanes: soak.lanes, title: 'Isolation level over time, with the triggers below' })}</div>` +
    `<div class="plots">${plots.join('')}</div>` +
    `<table class="grid soak"><thead><tr><th>trigger</th><th>required level</th><th>runs</th><th>p50 ms</th><th>p99 ms</th><th>max ms</th><th>deadline ms</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<p>Level changes by cause: ${causes || 'none'}. Escapes: ${escapes || 'none counted'}.</p>` +
    claimsList(claims)
  );
}

function sideChannelHtml(r: SideChannelReport | { readonly error: string }): string {
  if ('error' in r) return `<h3>Side channel</h3>${missing('The side-channel experiment', r.error)}`;
  const rows = r.layouts
    .map((l) => {
      const atChance = l.accuracy >= r.chanceBand.low && l.accuracy <= r.chanceBand.high;
      return `<tr data-layout="${l.layout}"><td>${l.layout === 'conventional' ? 'conventional (one cache shared with the hypervisor)' : 'Guillotine (separate cache hierarchies)'}</td><td>${l.guesses.toLocaleString('en-US')}</td><td>${l.correct.toLocaleString('en-US')}</td><td class="accuracy">${l.accuracy.toFixed(4)}</td><td>${atChance ? 'inside' : 'outside'}</td><td>${l.keyBitsRecovered} of ${r.bits}</td></tr>`;
    })
    .join('');
  return (
    `<h3>Side channel: Prime+Probe on a ${r.bits}-bit hypervisor key, ${r.trials} passes</h3>` +
    `<table class="grid side-channel"><thead><tr><th>cache layout</th><th>guesses</th><th>correct</th><th>accuracy</th><th>99.9 % chance band</th><th>key bits recovered (majority vote)</th></tr></thead><tbody>${rows}` +
    `<tr data-layout="chance" class="muted"><td>chance (a guesser that knows nothing)</td><td></td><td></td><td class="accuracy">0.5000</td><td>[${r.chanceBand.low.toFixed(4)}, ${r.chanceBand.high.toFixed(4)}]</td><td>${r.bits / 2} expected</td></tr></tbody></table>` +
    claimsList(r.claims)
  );
}

function portResilienceHtml(r: PortResilienceReport | { readonly error: string }): string {
  if ('error' in r) return `<h3>Port resilience</h3>${missing('The port-resilience experiment', r.error)}`;
  const refusedText = (refused: Readonly<Record<string, number>>) =>
    Object.entries(refused)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
      .join(', ') || '—';
  const rows = r.programs
    .map(
      (p) =>
        `<tr class="${p.invalidServiced + p.servicedAboveLevel === 0 ? 'status-pass' : 'status-fail'}" data-program="${xml(p.program)}"><td><code>${xml(p.program)}</code><br><span class="muted">${xml(p.description)}</span></td>` +
        `<td>${p.tried.toLocaleString('en-US')}</td><td>${p.serviced.toLocaleString('en-US')}</td><td>${p.heldForReview.toLocaleString('en-US')}</td><td>${refusedText(p.refused)}</td>` +
        `<td class="verdict">${p.invalidServiced}</td><td class="verdict">${p.servicedAboveLevel}</td><td>${p.alarms.length ? p.alarms.map((a) => `${xml(a.rule)} → ${a.levelAfter}`).join(', ') : '—'}</td><td>${p.levelAfter}</td></tr>`,
    )
    .join('');
  const controls = r.controls.map((c) => `${xml(c.program)} against the ${xml(c.variant)} hypervisor: ${c.invalidServiced} invalid requests serviced`).join('; ');
  return (
    `<h3>Port resilience: adversarial model programs, ${r.durationMs.toLocaleString('en-US')} ms of virtual time each</h3>` +
    `<table class="grid port-resilience"><thead><tr><th>program</th><th>tried</th><th>serviced</th><th>held for review</th><th>refused (by reason)</th><th>invalid serviced</th><th>serviced above level</th><th>alarms → level</th><th>level after</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<p>Negative controls (deliberately broken hypervisors, which must be caught): ${controls}.</p>` +
    claimsList(r.claims)
  );
}

/** Renders the experiments; pure, so tests can feed it any results. */
export function experimentsSectionOf(results: ExperimentResults): Section {
  const claims = [
    ...results.soakClaims,
    ...('error' in results.sideChannel ? [] : results.sideChannel.claims),
    ...('error' in results.portResilience ? [] : results.portResilience.claims),
  ];
  const failedClaims = claims.filter((c) => !c.holds).length;
  const missingRuns = [results.soak, results.sideChannel, results.portResilience].filter((r) => 'error' in r).length;
  const holds = failedClaims === 0 && missingRuns === 0;
  const html =
    `<p class="summary ${holds ? 'ok' : 'bad'}">${claims.length - failedClaims} of ${claims.length} claims hold${missingRuns ? `; ${missingRuns} of 3 experiments did not run` : ''} (seed ${results.seed}; the same seed gives the same figures).</p>` +
    soakHtml(results.soak, results.soakClaims) +
    sideChannelHtml(results.sideChannel) +
    portResilienceHtml(results.portResilience);
  return { id: 'experiments', title: SECTION_TITLES.experiments, status: 'ready', html, traces: [], holds };
}

function attempt<T>(run: () => T): T | { readonly error: string } {
  try {
    return run();
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export interface ExperimentOptions {
  readonly seed: number;
  /** Virtual hours of the soak (default: the simulator's own). */
  readonly hours?: number;
}

/** Runs the simulator's experiments on a policy and renders them; one that throws is shown as missing. */
export async function experimentsSection(policy: Policy, options: ExperimentOptions): Promise<Section> {
  const sideChannel = attempt(() => runSideChannel({ seed: options.seed, policy }));
  const portResilience = attempt(() => runPortResilience({ seed: options.seed, policy }));
  return experimentsSectionOf({
    seed: options.seed,
    soak: { error: 'the soak scenario (simulator/index.ts, runScenario("soak")) is not part of this build yet' },
    soakClaims: [],
    sideChannel,
    portResilience,
  });
}
