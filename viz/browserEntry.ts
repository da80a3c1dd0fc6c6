/**
 * What the review page runs itself, bundled for the browser by `bundle.ts` as the global
 * `GuillotineExplorer`: the policy's machine to explore by clicking, and the sequence chart of a
 * trace. Only library code over the engine's public API; nothing that needs Node.
 */
export { createExplorer, EVENT_GROUPS } from './explorerModel.ts';
export { sequenceChartSvg } from './sequenceChart.ts';
