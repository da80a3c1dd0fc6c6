import type { GuillotineProperty } from './property.ts';

/** `no-deadlock` (policy): every reachable state accepts some event. */
export const noDeadlock: GuillotineProperty = {
  id: 'no-deadlock',
  kind: 'policy',
  statement: 'Every reachable state has an enabled event.',
  check: { on: 'progress' },
};
