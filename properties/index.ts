/**
 * The safety properties of docs/protocol.md §4, in the order of that table, and after them the ones
 * the workbench adds where a rule of §3 had no property ("at least", says §4; docs/traceability.md).
 */
import type { GuillotineProperty, PropertyId } from './property.ts';
import { irreversibleLevels } from './irreversibleLevels.ts';
import { deescalationNeedsQuorum } from './deescalationNeedsQuorum.ts';
import { escalationHasCause } from './escalationHasCause.ts';
import { failsafeOnlyRaises } from './failsafeOnlyRaises.ts';
import { failsafeReachesOffline } from './failsafeReachesOffline.ts';
import { approvalsBoundToProposal } from './approvalsBoundToProposal.ts';
import { levelCapabilities } from './levelCapabilities.ts';
import { quorumIntersection } from './quorumIntersection.ts';
import { rebootKeepsLevel } from './rebootKeepsLevel.ts';
import { decisionsTakeEffect } from './decisionsTakeEffect.ts';
import { noDeadlock } from './noDeadlock.ts';
import { escalationLiveness } from './escalationLiveness.ts';

export const PROPERTIES: readonly GuillotineProperty[] = [
  irreversibleLevels, deescalationNeedsQuorum, escalationHasCause, failsafeOnlyRaises, failsafeReachesOffline,
  approvalsBoundToProposal, levelCapabilities, quorumIntersection, rebootKeepsLevel, noDeadlock, escalationLiveness,
  decisionsTakeEffect,
];

export const PROPERTY_IDS: readonly PropertyId[] = PROPERTIES.map((p) => p.id);

export type { GuillotineProperty, PropertyId } from './property.ts';
