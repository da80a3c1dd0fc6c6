/**
 * A worker thread of the parallel search (`parallelBfs.ts`). It rebuilds the checked model from
 * the recipe it was started with, then expands the chunks of states the main thread sends: for
 * each state, every enabled action's successor (packed, with the action's index) and the
 * properties judged on each transition. It keeps no visited set: numbering states is the main
 * thread's, which is what keeps the outcome identical to the one-thread search's.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkedModel, type ModelRecipe } from './checkedModel.ts';
import { Verdicts } from './search.ts';
import { UNMET, type ChunkRequest, type ChunkResult } from './parallelBfs.ts';

const { recipe } = workerData as { recipe: ModelRecipe };
const { explored: model, actions } = checkedModel(recipe);
const actionIndex = new Map(actions.map((a, i) => [a, i]));
const width = model.codec.width;

parentPort!.on('message', ({ chunk, rows, count }: ChunkRequest) => {
  const verdicts = new Verdicts(model.properties);
  let out = new Uint32Array(Math.max(64, count * 8 * (width + 1)));
  let at = 0;
  for (let k = 0; k < count; k++) {
    const state = model.codec.decode(rows, k * width);
    const header = at++;
    let enabled = 0;
    for (const action of model.actions(state)) {
      const next = model.next(state, action);
      if (next === undefined) continue;
      enabled++;
      if (at + width + 1 > out.length) {
        const grown = new Uint32Array(out.length * 2);
        grown.set(out);
        out = grown;
      }
      const index = actionIndex.get(action);
      if (index === undefined) throw new Error(`exploreWorker: action ${model.actionName(action)} is not in the recipe's alphabet`);
      out[at++] = index;
      model.codec.encode(next, out, at);
      at += width;
      verdicts.judge(next, -1, k, state, action);
    }
    out[header] = enabled | (verdicts.unmet(state) ? UNMET : 0);
  }
  const used = out.slice(0, at);
  const result: ChunkResult = {
    chunk,
    out: used,
    violations: [...verdicts.violations].map(([i, f]) => [i, f.state, actionIndex.get(f.action!)!, f.reason]),
    witnesses: [...verdicts.witnesses].map(([i, f]) => [i, f.state, actionIndex.get(f.action!)!]),
  };
  parentPort!.postMessage(result, [used.buffer]);
});
