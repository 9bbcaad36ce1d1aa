import { z } from 'zod';

// Any string is looked up (garbage is simply not found); only the size is bounded.
const token = z.string().max(1024, 'must be at most 1024 characters');

/** `POST /core/introspect` (RFC 7662 parameters, as JSON). */
export const introspectBody = z
  .object({ token, token_type_hint: z.string().max(100).optional() })
  .strict();

/** RFC 7662 answer: the claims of a live session, or exactly `{active: false}`. */
export const introspectResponse = z.union([
  z.object({
    active: z.literal(true),
    sub: z.string(),
    username: z.string().optional().describe('The login'),
    core_account: z
      .string()
      .optional()
      .describe('The account in the core (XMPP localpart): assigned once, never reused'),
    sid: z.string(),
    exp: z.number().int(),
    iat: z.number().int(),
    token_type: z.literal('device_session'),
  }),
  z.object({ active: z.literal(false) }),
]);
export type IntrospectResponse = z.infer<typeof introspectResponse>;

/** `POST /core/authenticate`: a session token passed as the password of the core account `username`. */
export const authenticateBody = z
  .object({ username: z.string().max(320, 'must be at most 320 characters'), token })
  .strict();

/** Whether the token is a live session of exactly that core account. */
export const authenticateResponse = z.object({
  ok: z.boolean(),
  sub: z.string().optional(),
  sid: z.string().optional(),
});
export type AuthenticateResponse = z.infer<typeof authenticateResponse>;
