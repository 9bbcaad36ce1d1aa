/** The company's time zone in the test configuration: the dashboard's days and weeks are its. */
export const TZ = 'Europe/Moscow';

/** One day of the people-by-status series. */
export interface Point {
  day: string;
  pending: number;
  active: number;
  suspended: number;
  deactivated: number;
}

/** The calendar day of `at` in the company's zone, as the server buckets it. */
export const dayOf = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(at);
