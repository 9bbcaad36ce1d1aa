import { getStatistics } from '../commands/statistics/getStatistics.ts';
import { statisticsQuery, statisticsView } from '../commands/statistics/schemas.ts';
import { type ApiScope, defineRoute } from './defineRoute.ts';

/** Declares the dashboard's statistics (everyone who may read people; sections as the rules allow). */
export function registerStatisticsRoutes(scope: ApiScope): void {
  defineRoute(
    scope,
    {
      method: 'get',
      path: '/statistics',
      operationId: 'getStatistics',
      summary: 'Series for the dashboard: people by status, joiners and leavers, runs, deliveries',
      description:
        'Days and ISO weeks in the company time zone (`hr.timeZone`). `syncRuns` and `deliveries` are null for those who may not read them.',
      tags: ['statistics'],
      query: statisticsQuery,
      response: { description: 'The series of the window', schema: statisticsView },
    },
    ({ query, services, auth }) => getStatistics(services, auth.actor, query),
  );
}
