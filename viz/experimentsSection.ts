/**
 * The simulator's experiments on the review page: the soak as plots (the isolation level over
 * time with a lane of markers per trigger, and a time-to-isolation histogram per trigger with the
 * policy's deadline drawn), the side-channel attacker's accuracy (conventional vs Guillotine vs
 * chance) and the port-resilience table, each followed by its claims with their evidence.
 * Every figure comes from the simulator's own result objects; nothing is recomputed here.
 */
import type { Policy } from '../spec/policy.ts';
import { runScenario, SOAK_TRIGGERS, type Claim, type PortResilienceResult, type ScenarioName, type ScenarioResult, type SideChannelResult, type SoakResult } from '../simulator/index.ts';
import { histogram, levelPlot, type MarkKind, type TriggerLane } from './plot.ts';
import { xml } from './svg.ts';
import { SECTION_TITLES, type Section } from './section.ts';

/** An experiment that threw: shown as missing, with its message. */
export interface Failed {
  readonly error: string;
}

/** What the section renders: each experiment's result (what `guillotine simulate --json` prints), or why it is missing. */
export interface ExperimentResults {
  readonly seed: number;
  readonly soak: SoakResult | Failed;
  readonly sideChannel: SideChannelResult | Failed;
  readonly portResilience: PortResilienceResult | Failed;
}

const MARK: Readonly<Record<SoakResult['series']['triggers'][number]['outcome'], MarkKind>> = { met: 'raised', absorbed: 'quiet', cancelled: 'quiet', late: 'late', unmet: 'late' };

/** The soak's series as the level plot's step line and trigger lanes (hours on the time axis). */
export function soakLanes(soak: SoakResult): { levels: { t: number; level: SoakResult['series']['levels'][number]['level'] }[]; lanes: TriggerLane[] } {
  const levels = soak.series.levels.map((p) => ({ t: p.atS / 3600, level: p.level }));
  const lanes = SOAK_TRIGGERS.map((trigger) => ({ trigger, marks: soak.series.triggers.filter((p) => p.trigger === trigger).map((p) => ({ t: p.atS / 3600, kind: MARK[p.outcome] })) }));
  return { levels, lanes };
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

const pct = (f: number) => `${(f * 100).toFixed(f > 0 && f < 0.001 ? 3 : 1)} %`;

function soakHtml(soak: SoakResult | Failed): string {
  if ('error' in soak) return `<h3>Soak</h3>${missing('The soak', soak.error)}`;
  const { levels, lanes } = soakLanes(soak);
  const histograms = soak.triggers.map((t) => {
    const ms = soak.series.triggers.filter((p) => p.trigger === t.trigger && p.ms !== null).map((p) => p.ms!);
    // Minutes-long deadlines (the quorum timeout) read better in seconds than as six-digit milliseconds.
    const inSeconds = Math.max(t.deadlineMs, ...ms) >= 10_000;
    const k = inSeconds ? 1 / 1000 : 1;
    const unit = inSeconds ? 's' : 'ms';
    return histogram({
      values: ms.map((v) => v * k),
      deadline: t.deadlineMs * k,
      unit,
      title: `${t.trigger} (${ms.length} timed)`,
      xTitle: `time to isolation (${unit})`,
    });
  });
  const rows = soak.triggers
    .map((t) => {
      const p = t.timeToLevelMs;
      return (
        `<tr class="${t.missedDeadline ? 'status-fail' : 'status-pass'}" data-trigger="${xml(t.trigger)}"><td><code>${xml(t.trigger)}</code></td><td>${xml(t.requires)}</td>` +
        `<td>${num(t.fired)}</td><td>${num(t.effective)}</td><td>${num(t.absorbed)}</td><td>${num(t.cancelled)}</td>` +
        `<td>${num(p.p50)}</td><td>${num(p.p99)}</td><td>${num(p.max)}</td><td>${t.deadlineMs === 0 ? '0 (at once)' : num(t.deadlineMs)}</td>` +
        `<td class="verdict">${t.missedDeadline === 0 ? 'all in time' : `${t.missedDeadline} late`}</td></tr>`
      );
    })
    .join('');
  const causes = Object.entries(soak.levelChanges.byCause).filter(([, n]) => n > 0).map(([cause, count]) => `${xml(cause)} ${num(count)}`).join(', ');
  const escapes = Object.entries(soak.escapes.byKind).map(([kind, count]) => `<span class="${count === 0 ? '' : 'warning'}">${xml(kind)} ${count}</span>`).join(', ');
  const timeAt = Object.entries(soak.timeAtLevel).filter(([, f]) => f > 0).map(([level, f]) => `${level} ${pct(f)}`).join(', ');
  return (
    `<h3>Soak: ${soak.hours} virtual hours, ${num(soak.simulatedEvents)} simulated events</h3>` +
    `<div class="plots">${levelPlot({ hours: soak.hours, levels, lanes, title: 'Isolation level over time, with each trigger below' })}</div>` +
    `<p class="muted plot-caption">Each mark below the line is one occurrence of a trigger: a full tick where it raised the level in time, a short faint tick where the level was already high enough (or the proposal was cancelled), a tall red tick where it was late or never got there.</p>` +
    `<h4>Time from each trigger to the level the policy requires, against the policy's deadline (dashed)</h4>` +
    `<div class="plots">${histograms.join('')}</div>` +
    `<table class="grid soak"><thead><tr><th>trigger</th><th>the policy requires</th><th>fired</th><th>raised the level</th><th>already there</th><th>cancelled</th><th>p50 ms</th><th>p99 ms</th><th>max ms</th><th>deadline ms</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>` +
    `<table class="kv soak-figures"><tbody>` +
    `<tr><th>level changes</th><td>${num(soak.levelChanges.total)}: ${causes || 'none'}</td></tr>` +
    `<tr><th>escapes</th><td>${num(soak.escapes.total)}: ${escapes}</td></tr>` +
    `<tr><th>time at each level</th><td>${timeAt}</td></tr>` +
    `<tr><th>heartbeats</th><td>${num(soak.heartbeats.sent)} sent, ${num(soak.heartbeats.lost)} lost; outages ${soak.outages.short} short, ${soak.outages.long} long, ${soak.outages.falseTrips} false watchdog trips</td></tr>` +
    `<tr><th>votes</th><td>${num(soak.votes.counted)} counted; ${num(soak.votes.attacks)} attack votes, ${soak.votes.attacksCounted} counted</td></tr>` +
    `<tr><th>recoveries</th><td>${soak.recoveries.deescalations} de-escalations proposed, ${soak.recoveries.expired} left to expire; ${num(soak.actuatorJams)} actuator jams; ${num(soak.alerts)} alerts</td></tr>` +
    `</tbody></table>` +
    claimsList(soak.claims)
  );
}

function sideChannelHtml(r: SideChannelResult | Failed): string {
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

function portResilienceHtml(r: PortResilienceResult | Failed): string {
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
  const runs = [results.soak, results.sideChannel, results.portResilience];
  const claims = runs.flatMap((r) => ('error' in r ? [] : r.claims));
  const failedClaims = claims.filter((c) => !c.holds).length;
  const missingRuns = runs.filter((r) => 'error' in r).length;
  const holds = failedClaims === 0 && missingRuns === 0;
  const html =
    `<p class="summary ${holds ? 'ok' : 'bad'}">${claims.length - failedClaims} of ${claims.length} claims hold${missingRuns ? `; ${missingRuns} of ${runs.length} experiments did not run` : ''} (seed ${results.seed}: <code>guillotine simulate --scenario NAME --seed ${results.seed}</code> gives the same figures).</p>` +
    soakHtml(results.soak) +
    sideChannelHtml(results.sideChannel) +
    portResilienceHtml(results.portResilience);
  return { id: 'experiments', title: SECTION_TITLES.experiments, status: 'ready', html, traces: [], holds };
}

export interface ExperimentOptions {
  readonly seed: number;
  /** Virtual hours of the soak (default: the simulator's own). */
  readonly hours?: number;
}

/** Runs one experiment; one that throws comes back as its message. */
function attempt<T extends ScenarioResult>(name: ScenarioName, options: Parameters<typeof runScenario>[1]): T | Failed {
  try {
    return runScenario(name, options) as T;
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Runs the simulator's three experiments on a policy and renders them; one that throws is shown as missing. */
export function experimentsSection(policy: Policy, options: ExperimentOptions): Section {
  return experimentsSectionOf({
    seed: options.seed,
    soak: attempt<SoakResult>('soak', { seed: options.seed, policy, ...(options.hours === undefined ? {} : { hours: options.hours }) }),
    sideChannel: attempt<SideChannelResult>('side-channel', { seed: options.seed, policy }),
    portResilience: attempt<PortResilienceResult>('port-resilience', { seed: options.seed, policy }),
  });
}
