import { z } from 'zod';
import { VERIFY_PROBLEMS } from '../audit/verifyResult.ts';
import { exportAuditEvents, exportAuditQuery } from '../commands/auditLog/export.ts';
import {
  auditEventView,
  getAuditEvent,
  listAuditEvents,
  listAuditQuery,
  verifyAuditLog,
} from '../commands/auditLog/query.ts';
import { readSiemStatus, siemStatusView } from '../siem/status.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

const tags = ['audit'];

const seqParams = z
  .object({ seq: z.string().regex(/^[1-9][0-9]{0,17}$/, 'must be an event sequence number') })
  .strict();

const verifyResultView = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  headSeq: z.string(),
  firstProblem: z
    .object({
      seq: z.string(),
      problem: z.enum(VERIFY_PROBLEMS),
      detail: z.string(),
    })
    .nullable(),
  checkpoints: z
    .object({
      records: z.number().int(),
      lastSeq: z.string(),
      unsignedTail: z.number().int(),
      restores: z.number().int(),
      archives: z.array(
        z.object({
          index: z.number().int(),
          fromSeq: z.string(),
          throughSeq: z.string(),
          bundleSha256: z.string(),
        }),
      ),
      legacyUnchecked: z.number().int(),
    })
    .optional(),
  archive: z
    .object({
      throughSeq: z.string(),
      throughHash: z.string(),
      bundleSha256: z.string(),
      recordIndex: z.number().int().nullable(),
    })
    .optional()
    .describe('Present when older events were archived: the log starts after throughSeq'),
});

/** Declares the audit log routes: list, export, get, verify. Every one of them is itself audited. */
export function registerAuditRoutes(scope: ApiScope): void {
  const { maxLimit, defaultLimit } = scope.services.config.lists;
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/audit-events',
      operationId: 'listAuditEvents',
      summary: 'List audit events, newest first',
      description: `\`total\` is exact up to 10,000 matches; beyond, \`totalIsEstimate\` is true and \`total\` is a lower bound. Page deep with \`cursor\` = the previous page's \`nextCursor\`.`,
      tags,
      query: listAuditQuery(maxLimit, defaultLimit),
      response: {
        description: 'A page of events',
        schema: z.object({
          data: z.array(auditEventView),
          total: z.number().int(),
          totalIsEstimate: z.boolean(),
          nextCursor: z.string().nullable(),
        }),
      },
    },
    ({ services, auth, query }) => listAuditEvents(services, auth.actor, query),
  );
  // Declared before `/audit-events/:seq`, which would otherwise take `export` for a seq.
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/audit-events/export',
      operationId: 'exportAuditEvents',
      summary: 'Export audit events in chain order as streamed CSV or NDJSON',
      tags,
      query: exportAuditQuery,
      response: { description: 'The events, as an attachment', contentType: 'text/csv' },
    },
    async ({ services, auth, query, ctx }) => {
      const { format, ...filters } = query;
      const stream = await exportAuditEvents(services, auth.actor, filters, format);
      const stamp = services.now().toISOString().replaceAll(':', '-').replace(/\..*$/, '');
      ctx.set('Content-Disposition', `attachment; filename="audit-events-${stamp}.${format}"`);
      ctx.type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson';
      ctx.body = stream;
      return undefined;
    },
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/audit-events/:seq',
      operationId: 'getAuditEvent',
      summary: 'Get one audit event',
      tags,
      params: seqParams,
      response: { description: 'The event', schema: auditEventView },
      errors: [404],
    },
    ({ services, auth, params }) => getAuditEvent(services, auth.actor, params.seq),
  );
  defineRoute(
    scope,
    {
      method: 'post',
      path: '/audit-events/verify',
      operationId: 'verifyAuditEvents',
      summary: 'Verify the hash chain; reports the first edited or missing event',
      tags,
      response: { description: 'The verification result', schema: verifyResultView },
    },
    ({ services, auth }) => verifyAuditLog(services, auth.actor),
  );
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/audit/siem',
      operationId: 'getSiemStatus',
      summary: 'The SIEM stream: cursor, head, lag, connection, last error (docs/siem.md)',
      tags,
      response: { description: 'The stream status', schema: siemStatusView },
    },
    ({ services, auth }) => readSiemStatus(services, auth.actor),
  );
}
