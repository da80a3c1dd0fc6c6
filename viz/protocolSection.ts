/**
 * The protocol's theorems for every number of admins on the review page: the report
 * `proveProtocol` returns (what `guillotine prove --protocol --json` prints) as a table of the §4
 * safety properties, each proof with the invariant it rests on in the protocol's words, each
 * refutation with its smallest policy and its abstract path step by step. Asked for by name
 * (`--sections …,protocol`): the proof takes half a minute.
 */
import { correctMachine } from '../machines/mutants.ts';
import { protocolHolds, proveProtocol, type ProtocolProofReport, type ProtocolVerdict } from '../proofs/protocol/prove.ts';
import { knobWords } from '../proofs/protocol/region.ts';
import { pathLines } from '../proofs/protocol/refute.ts';
import type { Policy } from '../spec/policy.ts';
import type { Section } from './section.ts';
import { xml } from './svg.ts';

function list(items: readonly string[]): string {
  return `<ul class="mono">${items.map((i) => `<li>${xml(i)}</li>`).join('')}</ul>`;
}

function evidence(v: ProtocolVerdict): string {
  switch (v.verdict) {
    case 'proved':
      if (v.invariant.length === 0) return xml('holds on every step from every state of the region; no lemma needed');
      return `${v.method === 'houdini' ? 'follows from these lemmas of the inductive invariant' : "Spacer's invariant (with the Houdini lemmas)"}:${list(v.invariant)}`;
    case 'refuted': {
      const k = v.knobs;
      const steps = pathLines(v.initial, v.abstractPath);
      // The handle replays on the refutation's own policy, not the page's: shown as text, not as a link.
      const concrete = `<p>concretely, with admins a1…a${k.admins}: <code>${xml(v.replay.handle)}</code> — ${xml(v.replay.reason)}</p>`;
      return `smallest policy that breaks it: ${xml(knobWords(k))}<ol class="mono">${steps.map((s) => `<li>${xml(s)}</li>`).join('')}</ol>${concrete}`;
    }
    case 'unknown':
      return `<span class="warning">${xml(v.reason)}</span>`;
  }
}

/** Renders a protocol proof report; pure, so tests can feed it any report. */
export function protocolSectionOf(report: ProtocolProofReport): Section {
  const rows = report.properties.map(
    (v) =>
      `<tr class="status-${v.verdict === 'proved' ? 'pass' : v.verdict === 'refuted' ? 'fail' : 'unknown'}" data-property="${xml(v.property)}"><td><code>${xml(v.property)}</code></td>` +
      `<td class="verdict">${v.verdict.toUpperCase()}${v.verdict === 'proved' ? ` (${v.method})` : ''}</td><td>${v.seconds.toFixed(2)} s</td><td>${evidence(v)}</td></tr>`,
  );
  const h = report.houdini;
  const proved = report.properties.filter((p) => p.verdict === 'proved').length;
  const holds = protocolHolds(report);
  const html =
    `<p class="summary ${holds ? 'ok' : 'bad'}">${proved} of ${report.properties.length} safety properties proved for every policy with ${xml(report.region.words)}.</p>` +
    `<p>${h.status === 'inductive' ? `Houdini kept ${h.lemmas.length} of ${h.candidates} candidate lemmas, inductive together (${h.queries} queries).` : `Houdini gave up: ${xml(h.reason ?? 'unknown')}.`}</p>` +
    `<table class="grid protocol"><thead><tr><th>property</th><th>verdict</th><th>time</th><th>evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table>` +
    (h.lemmas.length > 0 ? `<details><summary>the inductive invariant (${h.lemmas.length} lemmas)</summary>${list(h.lemmas)}</details>` : '');
  return { id: 'protocol', title: 'The protocol for every number of admins (docs/proofs.md)', status: 'ready', html, traces: [], holds };
}

/** Proves the policy's protocol for every number of admins and renders the verdicts. */
export async function protocolSection(policy: Policy): Promise<Section> {
  return protocolSectionOf(await proveProtocol(correctMachine(policy)));
}
