import { z } from 'zod';
import { resourceSchema } from '../resourceSchema.ts';
import { clean } from '../text.ts';
import { GROUP_SCHEMA } from '../urns.ts';

/** Group attributes (RFC 7643 §4.2). */
export const GROUP_RESOURCE = resourceSchema(
  GROUP_SCHEMA,
  ['displayName', 'externalId'],
  ['members'],
  {},
);

const member = z.looseObject({ value: z.string().min(1).max(100) });

/** displayName: required, no control characters or unpaired surrogates (400 invalidValue). */
export const groupDisplayName = clean(z.string().trim().min(1, 'is required').max(200));
/** externalId: the same rules, optional. */
export const groupExternalId = clean(z.string().trim().max(400)).nullable();

/** A SCIM Group as clients send it. */
export const groupInput = z.looseObject({
  displayName: groupDisplayName,
  externalId: groupExternalId.optional(),
  members: z.array(member).max(100_000).nullable().optional(),
});
export type GroupInput = z.infer<typeof groupInput>;

/** A PATCH members value: one member or a list of them. */
export const membersValue = z.union([member.transform((m) => [m]), z.array(member)]);
