import type { AppAbility } from './abilities.ts';

/** Which review items an ability may read: all of them, those of some reviewers, or none. */
export type ReviewItemReach = { all: true } | { all: false; reviewerIds: string[] };

/**
 * The review items an ability reads, taken from the same CASL rules as a single check, so the
 * item lists (SQL) never show an item that `can('read', item)` would refuse. A rule without
 * conditions reaches every item; a conditional one the items of the reviewer it names.
 */
export function reviewItemReach(ability: AppAbility): ReviewItemReach {
  const reviewerIds: string[] = [];
  for (const rule of ability.rulesFor('read', 'ReviewItem')) {
    if (rule.inverted) continue;
    const conditions = rule.conditions as { reviewerId?: unknown } | undefined;
    if (!conditions) return { all: true };
    if (typeof conditions.reviewerId === 'string') reviewerIds.push(conditions.reviewerId);
  }
  return { all: false, reviewerIds };
}
