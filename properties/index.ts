/** The safety properties of docs/protocol.md §4, in the order of that table. */
import type { GuillotineProperty, PropertyId } from './property.ts';
import { irreversibleLevels } from './irreversibleLevels.ts';
import { deescalationNeedsQuorum } from './deescalationNeedsQuorum.ts';
import { escalationHasCause } from './escalationHasCause.ts';
import { failsafeOnlyRaises } from './failsafeOnlyRaises.ts';
import { failsafeReachesOffline } from './failsafeReachesOffline.ts';
import { approvalsBoundToProposal } from './approvalsBoundToProposal.ts';
import { levelCapabilities } from './levelCapabilities.ts';
import { quorumIntersection } from './quorumIntersection.ts';
import { noDeadlock } from './noDeadlock.ts';
import { escalationLiveness } from './escalationLiveness.ts';

export const PROPERTIES: readonly GuillotineProperty[] = [
  irreversibleLevels, deescalationNeedsQuorum, escalationHasCause, failsafeOnlyRaises, failsafeReachesOffline,
  approvalsBoundToProposal, levelCapabilities, quorumIntersection, noDeadlock, escalationLiveness,
];

export const PROPERTY_IDS: readonly PropertyId[] = PROPERTIES.map((p) => p.id);

export type { GuillotineProperty, PropertyId } from './property.ts';
