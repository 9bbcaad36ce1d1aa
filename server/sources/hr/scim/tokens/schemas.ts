import { z } from 'zod';
import { line } from '../../../../shared/schemas.ts';

/** POST /scim-tokens. */
export const createTokenBody = z.object({ name: line(200) }).strict();
export type CreateTokenBody = z.infer<typeof createTokenBody>;

/** A SCIM token as the admin UI sees it (never its secret). */
export const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  /** `database` tokens are made here; `config` ones come from SCIM_TOKENS (hashes only). */
  origin: z.enum(['database', 'config']),
  prefix: z.string().nullable(),
  createdAt: z.string().nullable(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type TokenView = z.infer<typeof tokenView>;

/** The answer of POST /scim-tokens: the token itself, shown this once. */
export const createdTokenView = tokenView.extend({ token: z.string() });
