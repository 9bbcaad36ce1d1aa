import type { ApiResponses } from './generated/openapi';

/** `GET /statistics`: days and weeks (their Mondays) in the company's time zone. */
export type Statistics = ApiResponses['getStatistics'];

/** People of each status at the end of a day (`GET /statistics`). */
export type StatusPoint = Statistics['people']['byStatus'][number];
