/** People of each status at the end of a day (`GET /statistics`). */
export interface StatusPoint {
  day: string;
  pending: number;
  active: number;
  suspended: number;
  deactivated: number;
}

/** `GET /statistics`: days and weeks (their Mondays) in the company's time zone. */
export interface Statistics {
  timeZone: string;
  from: string;
  to: string;
  people: {
    byStatus: StatusPoint[];
    joinersLeavers: { week: string; joined: number; left: number }[];
    enrolment: { week: string; invited: number; registered: number; secondFactor: number }[];
    secondFactor: { enrolled: number; active: number };
    registration: { invited: number; registered: number; held: number; revoked: number };
  };
  /** Null for those who may not read sync runs. */
  syncRuns:
    | { week: string; succeeded: number; failed: number; cancelled: number; other: number }[]
    | null;
  /** Null for those who may not read deliveries. */
  deliveries: { deadNow: number; failedPerWeek: { week: string; dead: number }[] } | null;
}
