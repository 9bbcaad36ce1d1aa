/**
 * The service's API as the console sees it, by operationId: generated from the OpenAPI document
 * (GET /api/v1/openapi.json, built from the routes' zod schemas). Do not edit: change the route's
 * schema, then run `WRITE_API_TYPES=1 npx vitest run test/apiTypes.test.ts`. The test fails
 * while this file differs from what the service declares.
 */

/**
 * Each operation’s success body.
 */
export interface ApiResponses {
  activateUser: {
    id: string;
    username: string | null;
    /**
     * The account in the messaging core: assigned with the first login, never reused
     */
    coreAccount: string | null;
    familyName: string;
    givenName: string;
    middleName: string | null;
    /**
     * «Фамилия Имя Отчество»: how the console lists people
     */
    fullName: string;
    displayName: string;
    email: string | null;
    phone: string | null;
    title: string | null;
    organization: {
      id: string;
      name: string;
    } | null;
    status: 'pending' | 'active' | 'suspended' | 'deactivated';
    statusChangedAt: string | null;
    statusChangedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    statusReason: string | null;
    loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * The highest rank in force: standing role and role grants
     */
    rank: number;
    addedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    /**
     * Free text: someone outside the directory
     */
    initiatedBy: string | null;
    /**
     * The person of the directory who asked for this one
     */
    initiatedByPerson: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    sourceId: string | null;
    hrSourceId: string | null;
    employeeNumber: string | null;
    /**
     * YYYY-MM-DD
     */
    hireDate: string | null;
    /**
     * YYYY-MM-DD
     */
    terminationDate: string | null;
    fieldOwners: {
      [k: string]: string;
    };
    lastLoginAt: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  activateUsers: {
    changed: {
      id: string;
      label: string;
      from: 'pending' | 'active' | 'suspended' | 'deactivated';
      to: 'pending' | 'active' | 'suspended' | 'deactivated';
    }[];
    skipped: {
      id: string;
      label: string | null;
      code: string;
      message: string;
    }[];
  };
  addSpaceMembers: {
    added: string[];
    alreadyMembers: string[];
  };
  applyImport: {
    id: string;
    sourceId: string;
    mode: 'full' | 'incremental' | 'dry-run';
    readMode: string | null;
    status:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    counts: {
      [k: string]: number;
    };
    cursorBefore: {
      [k: string]: unknown;
    } | null;
    cursorAfter: {
      [k: string]: unknown;
    } | null;
    requestedBy: string;
    requestedById: string | null;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    error: string | null;
    errorCode:
      | (
          | 'run_failed'
          | 'run_interrupted'
          | 'run_plan_failed'
          | 'run_read_failed'
          | 'run_superseded'
        )
      | null;
    errorParams: {
      [k: string]: unknown;
    };
    safety: string | null;
    safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
    safetyParams: {
      [k: string]: unknown;
    };
    approvedById: string | null;
    approvedAt: string | null;
    details: {
      fileName?: string;
      sha256?: string;
      bytes?: number;
      format?: 'csv' | 'xlsx';
      encoding?: string | null;
      delimiter?: string | null;
      /**
       * The first 200 headers
       */
      headers?: string[];
      /**
       * Field → the header that feeds it
       */
      mapping?: {
        fullName?: string;
        familyName?: string;
        givenName?: string;
        middleName?: string;
        title?: string;
        department?: string;
        phone?: string;
        email?: string;
        employeeId?: string;
        hireDate?: string;
        terminationDate?: string;
        suspended?: string;
        username?: string;
      };
      unmappedHeaders?: string[];
      rows?: number;
      /**
       * The first 1,000 row errors, in file order
       */
      rowErrors?: {
        row: number;
        column: string | null;
        /**
         * A registered row error code (imports read before codes existed have none)
         */
        code?:
          | 'cell_count_mismatch'
          | 'control_character'
          | 'duplicate_employee_id'
          | 'employee_id_missing'
          | 'full_name_incomplete'
          | 'invalid_date'
          | 'invalid_email'
          | 'invalid_suspension_mark'
          | 'lone_surrogate'
          | 'name_missing'
          | 'termination_before_hire'
          | 'too_long';
        params?: {
          [k: string]: unknown;
        };
        /**
         * English, for API clients; the console shows the code’s text
         */
        message: string;
      }[];
      rowErrorCount?: number;
      scope?: 'partial' | 'complete';
      /**
       * The worker thread that read the file (never 0)
       */
      parsedInThread?: number;
      /**
       * Rows handed over for staging so far
       */
      progress?: {
        rowsRead: number;
        rows: number;
      };
    };
  };
  approveConfigChange: {
    id: string;
    setting: 'directory_source';
    operation: 'create' | 'update' | 'delete';
    targetId: string;
    targetLabel: string | null;
    status: 'pending' | 'applied' | 'rejected' | 'expired' | 'superseded';
    /**
     * The setting before and after the change, and details; secrets redacted
     */
    diff: {
      before?: {
        [k: string]: unknown;
      };
      after?: {
        [k: string]: unknown;
      };
      details?: {
        [k: string]: unknown;
      };
    };
    requestedById: string | null;
    requestedBy: string;
    requestedAt: string;
    expiresAt: string;
    decidedById: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    reason: string | null;
    singleSuperadmin: boolean;
  };
  approveDeliveryAddress: {
    userId: string;
    approved: ('email' | 'phone')[];
  };
  approveElevationRequest: {
    id: string;
    requester: {
      id: string;
      displayName: string;
    };
    role: 'staff' | 'admin' | 'auditor';
    scope: {
      id: string;
      name: string;
    }[];
    durationMinutes: number;
    reason: string;
    status: 'pending' | 'approved' | 'rejected' | 'lapsed';
    createdAt: string;
    lapsesAt: string;
    decidedAt: string | null;
    decidedBy: {
      id: string;
      displayName: string;
    } | null;
    decisionReason: string | null;
    grantId: string | null;
    grantExpiresAt: string | null;
  };
  approveInvitation: {
    userId: string;
    status: 'not_invited' | 'invited' | 'held' | 'expired' | 'registered' | 'revoked';
    locale: ('ru' | 'en') | null;
    firstSentAt: string | null;
    lastSentAt: string | null;
    sentCount: number;
    firstInvitedById: string | null;
    lastInvitedById: string | null;
    expiresAt: string | null;
    remindedAt: string | null;
    heldUntil: string | null;
    registeredAt: string | null;
    revokedAt: string | null;
  };
  approveSyncRun: {
    id: string;
    sourceId: string;
    mode: 'full' | 'incremental' | 'dry-run';
    readMode: string | null;
    status:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    counts: {
      [k: string]: number;
    };
    cursorBefore: {
      [k: string]: unknown;
    } | null;
    cursorAfter: {
      [k: string]: unknown;
    } | null;
    requestedBy: string;
    requestedById: string | null;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    error: string | null;
    errorCode:
      | (
          | 'run_failed'
          | 'run_interrupted'
          | 'run_plan_failed'
          | 'run_read_failed'
          | 'run_superseded'
        )
      | null;
    errorParams: {
      [k: string]: unknown;
    };
    safety: string | null;
    safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
    safetyParams: {
      [k: string]: unknown;
    };
    approvedById: string | null;
    approvedAt: string | null;
    details: {
      [k: string]: unknown;
    };
  };
  authenticateToken: {
    ok: boolean;
    sub?: string;
    sid?: string;
  };
  cancelBulkJob: {
    id: string;
    verb:
      | 'deactivate'
      | 'activate'
      | 'suspend'
      | 'invite'
      | 'move'
      | 'add_to_space'
      | 'remove_from_space';
    status: 'queued' | 'running' | 'cancelled' | 'done' | 'failed';
    requestedBy: {
      id: string;
      label: string;
      /**
       * «Фамилия Имя Отчество» of the requester, now
       */
      fullName: string | null;
    };
    filter: {
      [k: string]: unknown;
    };
    /**
     * The names of the filter's organization, space and adding person, now
     */
    filterNames: {
      organization: string | null;
      space: string | null;
      addedBy: string | null;
    };
    params: {
      reason?: string | null;
      locale?: 'ru' | 'en';
      organizationId?: string;
      /**
       * Moving people: the organization’s name
       */
      organizationName?: string;
      spaceId?: string;
      /**
       * Adding to or removing from a space: the space’s name
       */
      spaceName?: string;
    };
    total: number;
    processed: number;
    ok: number;
    skipped: number;
    failed: number;
    cancelRequested: boolean;
    error: string | null;
    createdAt: string;
    finishedAt: string | null;
  };
  cancelScheduledChange: {
    id: string;
    userId: string;
    userLabel: string;
    kind: 'activate' | 'deactivate';
    effectiveDate: string;
    effectiveAt: string;
    sourceId: string;
    reason: string | null;
    createdBy: string;
    createdById: string | null;
    createdAt: string;
    updatedAt: string;
    cancelledAt: string | null;
    cancelledBy: string | null;
    firedAt: string | null;
    outcome: ('applied' | 'skipped') | null;
    outcomeReason: string | null;
  };
  cancelSyncRun: {
    id: string;
    sourceId: string;
    mode: 'full' | 'incremental' | 'dry-run';
    readMode: string | null;
    status:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    counts: {
      [k: string]: number;
    };
    cursorBefore: {
      [k: string]: unknown;
    } | null;
    cursorAfter: {
      [k: string]: unknown;
    } | null;
    requestedBy: string;
    requestedById: string | null;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    error: string | null;
    errorCode:
      | (
          | 'run_failed'
          | 'run_interrupted'
          | 'run_plan_failed'
          | 'run_read_failed'
          | 'run_superseded'
        )
      | null;
    errorParams: {
      [k: string]: unknown;
    };
    safety: string | null;
    safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
    safetyParams: {
      [k: string]: unknown;
    };
    approvedById: string | null;
    approvedAt: string | null;
    details: {
      [k: string]: unknown;
    };
  };
  changeLoginMethod: {
    id: string;
    username: string | null;
    /**
     * The account in the messaging core: assigned with the first login, never reused
     */
    coreAccount: string | null;
    familyName: string;
    givenName: string;
    middleName: string | null;
    /**
     * «Фамилия Имя Отчество»: how the console lists people
     */
    fullName: string;
    displayName: string;
    email: string | null;
    phone: string | null;
    title: string | null;
    organization: {
      id: string;
      name: string;
    } | null;
    status: 'pending' | 'active' | 'suspended' | 'deactivated';
    statusChangedAt: string | null;
    statusChangedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    statusReason: string | null;
    loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * The highest rank in force: standing role and role grants
     */
    rank: number;
    addedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    /**
     * Free text: someone outside the directory
     */
    initiatedBy: string | null;
    /**
     * The person of the directory who asked for this one
     */
    initiatedByPerson: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    sourceId: string | null;
    hrSourceId: string | null;
    employeeNumber: string | null;
    /**
     * YYYY-MM-DD
     */
    hireDate: string | null;
    /**
     * YYYY-MM-DD
     */
    terminationDate: string | null;
    fieldOwners: {
      [k: string]: string;
    };
    lastLoginAt: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  changeRole: {
    id: string;
    username: string | null;
    /**
     * The account in the messaging core: assigned with the first login, never reused
     */
    coreAccount: string | null;
    familyName: string;
    givenName: string;
    middleName: string | null;
    /**
     * «Фамилия Имя Отчество»: how the console lists people
     */
    fullName: string;
    displayName: string;
    email: string | null;
    phone: string | null;
    title: string | null;
    organization: {
      id: string;
      name: string;
    } | null;
    status: 'pending' | 'active' | 'suspended' | 'deactivated';
    statusChangedAt: string | null;
    statusChangedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    statusReason: string | null;
    loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * The highest rank in force: standing role and role grants
     */
    rank: number;
    addedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    /**
     * Free text: someone outside the directory
     */
    initiatedBy: string | null;
    /**
     * The person of the directory who asked for this one
     */
    initiatedByPerson: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    sourceId: string | null;
    hrSourceId: string | null;
    employeeNumber: string | null;
    /**
     * YYYY-MM-DD
     */
    hireDate: string | null;
    /**
     * YYYY-MM-DD
     */
    terminationDate: string | null;
    fieldOwners: {
      [k: string]: string;
    };
    lastLoginAt: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  closeReviewCampaign: {
    id: string;
    name: string;
    kind: 'backoffice_rights' | 'space_members';
    organization: {
      id: string;
      name: string;
    } | null;
    reviewerRule: 'organization_head' | 'named';
    reviewer: {
      id: string;
      name: string;
    };
    dueAt: string;
    revokeMode: 'at_once' | 'at_close';
    undecided: 'keep' | 'revoke';
    status: 'open' | 'closed';
    createdBy: {
      id: string;
      name: string;
    } | null;
    createdAt: string;
    closedBy: {
      id: string;
      name: string;
    } | null;
    closedAt: string | null;
    progress: {
      total: number;
      decided: number;
      confirmed: number;
      revoked: number;
      applied: number;
      undecidedAtClose: number;
    };
    reportSha256: string | null;
  };
  completeLogin: {
    user: {
      id: string;
      username: string | null;
      displayName: string;
      role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
      email: string | null;
    };
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * Role grants in force on top of `role` (issue 18): scope and expiry
     */
    grants: {
      role: 'staff' | 'admin' | 'auditor';
      scope: {
        id: string;
        name: string;
      }[];
      expiresAt: string | null;
    }[];
    /**
     * CASL's packed rules of the caller
     */
    rules: unknown[];
    /**
     * Send back in X-CSRF-Token on unsafe requests
     */
    csrfToken: string;
    /**
     * The company's IANA time zone (hr.timeZone): the console shows times in it
     */
    timeZone: string;
  };
  completeRegistration: {
    username: string | null;
    recoveryCodes: string[] | null;
  };
  confirmReviewItems: {
    decided: number;
    /**
     * Revocations carried out now (campaigns revoking at once)
     */
    revoked: number;
  };
  confirmSecondFactor: {
    /**
     * One-time recovery codes (xxxx-xxxx-xxxx); shown only once
     *
     * @minItems 10
     * @maxItems 10
     */
    recoveryCodes: [string, string, string, string, string, string, string, string, string, string];
  };
  createDirectorySource: {
    id: string;
    name: string;
    origin: 'config' | 'api';
    kind: 'active-directory' | 'ldap';
    connection:
      | {
          kind: 'active-directory';
          url: string;
          startTls: boolean;
          tls: {
            ca?: string;
            caFile?: string;
            rejectUnauthorized: boolean;
          };
          allowPlain: boolean;
          bindDn: string;
          bindPasswordEnv?: string;
          baseDns: string[];
          timeoutMs: number;
          pageSize: number;
          attributes: {
            username?: (string | [string, ...string[]]) | null;
            givenName?: (string | [string, ...string[]]) | null;
            familyName?: (string | [string, ...string[]]) | null;
            middleName?: (string | [string, ...string[]]) | null;
            displayName?: (string | [string, ...string[]]) | null;
            email?: (string | [string, ...string[]]) | null;
            phone?: (string | [string, ...string[]]) | null;
            title?: (string | [string, ...string[]]) | null;
            department?: (string | [string, ...string[]]) | null;
            employeeId?: (string | [string, ...string[]]) | null;
            groups?: (string | [string, ...string[]]) | null;
          };
          groupBaseDn?: string;
          groupFilter?: string;
          groupMappings: {
            group: string;
            spaces: string[];
            organization: string | null;
          }[];
          nestedGroups: boolean;
          userFilter: string;
          loginAttribute: string;
        }
      | {
          kind: 'ldap';
          url: string;
          startTls: boolean;
          tls: {
            ca?: string;
            caFile?: string;
            rejectUnauthorized: boolean;
          };
          allowPlain: boolean;
          bindDn: string;
          bindPasswordEnv?: string;
          baseDns: string[];
          timeoutMs: number;
          pageSize: number;
          attributes: {
            username?: (string | [string, ...string[]]) | null;
            givenName?: (string | [string, ...string[]]) | null;
            familyName?: (string | [string, ...string[]]) | null;
            middleName?: (string | [string, ...string[]]) | null;
            displayName?: (string | [string, ...string[]]) | null;
            email?: (string | [string, ...string[]]) | null;
            phone?: (string | [string, ...string[]]) | null;
            title?: (string | [string, ...string[]]) | null;
            department?: (string | [string, ...string[]]) | null;
            employeeId?: (string | [string, ...string[]]) | null;
            groups?: (string | [string, ...string[]]) | null;
          };
          groupBaseDn?: string;
          groupFilter?: string;
          groupMappings: {
            group: string;
            spaces: string[];
            organization: string | null;
          }[];
          nestedGroups: boolean;
          userFilter: string;
          loginAttribute: string;
          idAttribute: string;
          lockAttribute: string | null;
        };
    bindPasswordSet: boolean;
    bindPasswordChangedAt: string | null;
    enabled: boolean;
    schedule: {
      incremental: string | null;
      full: string | null;
    };
    thresholds: {
      minShareOfManaged: number;
      maxDeactivationShare: number;
      maxDeactivations: number;
    };
    correlateBy: 'employeeId' | 'email' | 'username';
    reconnect: 'employeeId' | 'never';
    bindPasswordChange: ('set' | 'cleared' | 'cleared_connection_changed') | null;
  };
  createOrganization: {
    id: string;
    name: string;
    kind: 'department' | 'project';
    parentId: string | null;
    description: string | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    /**
     * The head of the organization (access reviews)
     */
    headId: string | null;
    childrenCount: number;
    /**
     * People whose primary organization this is
     */
    memberCount: number;
    /**
     * People of this organization and of every organization under it
     */
    totalMemberCount: number;
    createdAt: string;
    updatedAt: string;
    version: number;
    parent: {
      id: string;
      name: string;
    } | null;
  };
  createReviewCampaign: {
    id: string;
    name: string;
    kind: 'backoffice_rights' | 'space_members';
    organization: {
      id: string;
      name: string;
    } | null;
    reviewerRule: 'organization_head' | 'named';
    reviewer: {
      id: string;
      name: string;
    };
    dueAt: string;
    revokeMode: 'at_once' | 'at_close';
    undecided: 'keep' | 'revoke';
    status: 'open' | 'closed';
    createdBy: {
      id: string;
      name: string;
    } | null;
    createdAt: string;
    closedBy: {
      id: string;
      name: string;
    } | null;
    closedAt: string | null;
    progress: {
      total: number;
      decided: number;
      confirmed: number;
      revoked: number;
      applied: number;
      undecidedAtClose: number;
    };
    reportSha256: string | null;
  };
  createScheduledChange: {
    id: string;
    userId: string;
    userLabel: string;
    kind: 'activate' | 'deactivate';
    effectiveDate: string;
    effectiveAt: string;
    sourceId: string;
    reason: string | null;
    createdBy: string;
    createdById: string | null;
    createdAt: string;
    updatedAt: string;
    cancelledAt: string | null;
    cancelledBy: string | null;
    firedAt: string | null;
    outcome: ('applied' | 'skipped') | null;
    outcomeReason: string | null;
  };
  createScimToken: {
    id: string;
    name: string;
    origin: 'database' | 'config';
    prefix: string | null;
    createdAt: string | null;
    createdBy: string | null;
    lastUsedAt: string | null;
    revokedAt: string | null;
    token: string;
  };
  createSpace: {
    id: string;
    name: string;
    description: string | null;
    organizationId: string | null;
    organizationName: string | null;
    memberCount: number;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  createUser: {
    id: string;
    username: string | null;
    /**
     * The account in the messaging core: assigned with the first login, never reused
     */
    coreAccount: string | null;
    familyName: string;
    givenName: string;
    middleName: string | null;
    /**
     * «Фамилия Имя Отчество»: how the console lists people
     */
    fullName: string;
    displayName: string;
    email: string | null;
    phone: string | null;
    title: string | null;
    organization: {
      id: string;
      name: string;
    } | null;
    status: 'pending' | 'active' | 'suspended' | 'deactivated';
    statusChangedAt: string | null;
    statusChangedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    statusReason: string | null;
    loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * The highest rank in force: standing role and role grants
     */
    rank: number;
    addedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    /**
     * Free text: someone outside the directory
     */
    initiatedBy: string | null;
    /**
     * The person of the directory who asked for this one
     */
    initiatedByPerson: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    sourceId: string | null;
    hrSourceId: string | null;
    employeeNumber: string | null;
    /**
     * YYYY-MM-DD
     */
    hireDate: string | null;
    /**
     * YYYY-MM-DD
     */
    terminationDate: string | null;
    fieldOwners: {
      [k: string]: string;
    };
    lastLoginAt: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  deactivateUser: {
    id: string;
    username: string | null;
    /**
     * The account in the messaging core: assigned with the first login, never reused
     */
    coreAccount: string | null;
    familyName: string;
    givenName: string;
    middleName: string | null;
    /**
     * «Фамилия Имя Отчество»: how the console lists people
     */
    fullName: string;
    displayName: string;
    email: string | null;
    phone: string | null;
    title: string | null;
    organization: {
      id: string;
      name: string;
    } | null;
    status: 'pending' | 'active' | 'suspended' | 'deactivated';
    statusChangedAt: string | null;
    statusChangedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    statusReason: string | null;
    loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * The highest rank in force: standing role and role grants
     */
    rank: number;
    addedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    /**
     * Free text: someone outside the directory
     */
    initiatedBy: string | null;
    /**
     * The person of the directory who asked for this one
     */
    initiatedByPerson: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    sourceId: string | null;
    hrSourceId: string | null;
    employeeNumber: string | null;
    /**
     * YYYY-MM-DD
     */
    hireDate: string | null;
    /**
     * YYYY-MM-DD
     */
    terminationDate: string | null;
    fieldOwners: {
      [k: string]: string;
    };
    lastLoginAt: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  deactivateUsers: {
    changed: {
      id: string;
      label: string;
      from: 'pending' | 'active' | 'suspended' | 'deactivated';
      to: 'pending' | 'active' | 'suspended' | 'deactivated';
    }[];
    skipped: {
      id: string;
      label: string | null;
      code: string;
      message: string;
    }[];
  };
  decideReviewItem: {
    decided: number;
    /**
     * Revocations carried out now (campaigns revoking at once)
     */
    revoked: number;
  };
  decideSyncRunPlanItem: {
    runId: string;
    seq: number;
    sourceId: string;
    externalId: string;
    decision: 'link' | 'create' | 'ignore';
    userId: string;
  };
  deleteDirectorySource: {
    id: string;
    name: string;
    releasedPeople: number;
    cancelledRuns: string[];
  };
  discardImport: {
    id: string;
    sourceId: string;
    mode: 'full' | 'incremental' | 'dry-run';
    readMode: string | null;
    status:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    counts: {
      [k: string]: number;
    };
    cursorBefore: {
      [k: string]: unknown;
    } | null;
    cursorAfter: {
      [k: string]: unknown;
    } | null;
    requestedBy: string;
    requestedById: string | null;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    error: string | null;
    errorCode:
      | (
          | 'run_failed'
          | 'run_interrupted'
          | 'run_plan_failed'
          | 'run_read_failed'
          | 'run_superseded'
        )
      | null;
    errorParams: {
      [k: string]: unknown;
    };
    safety: string | null;
    safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
    safetyParams: {
      [k: string]: unknown;
    };
    approvedById: string | null;
    approvedAt: string | null;
    details: {
      fileName?: string;
      sha256?: string;
      bytes?: number;
      format?: 'csv' | 'xlsx';
      encoding?: string | null;
      delimiter?: string | null;
      /**
       * The first 200 headers
       */
      headers?: string[];
      /**
       * Field → the header that feeds it
       */
      mapping?: {
        fullName?: string;
        familyName?: string;
        givenName?: string;
        middleName?: string;
        title?: string;
        department?: string;
        phone?: string;
        email?: string;
        employeeId?: string;
        hireDate?: string;
        terminationDate?: string;
        suspended?: string;
        username?: string;
      };
      unmappedHeaders?: string[];
      rows?: number;
      /**
       * The first 1,000 row errors, in file order
       */
      rowErrors?: {
        row: number;
        column: string | null;
        /**
         * A registered row error code (imports read before codes existed have none)
         */
        code?:
          | 'cell_count_mismatch'
          | 'control_character'
          | 'duplicate_employee_id'
          | 'employee_id_missing'
          | 'full_name_incomplete'
          | 'invalid_date'
          | 'invalid_email'
          | 'invalid_suspension_mark'
          | 'lone_surrogate'
          | 'name_missing'
          | 'termination_before_hire'
          | 'too_long';
        params?: {
          [k: string]: unknown;
        };
        /**
         * English, for API clients; the console shows the code’s text
         */
        message: string;
      }[];
      rowErrorCount?: number;
      scope?: 'partial' | 'complete';
      /**
       * The worker thread that read the file (never 0)
       */
      parsedInThread?: number;
      /**
       * Rows handed over for staging so far
       */
      progress?: {
        rowsRead: number;
        rows: number;
      };
    };
  };
  endRoleGrant: {
    id: string;
    userId: string;
    role: 'staff' | 'admin' | 'auditor';
    scope: {
      id: string;
      name: string;
    }[];
    expiresAt: string | null;
    reason: string;
    grantedById: string | null;
    grantedByName: string | null;
    approvedById: string | null;
    createdAt: string;
    endedAt: string | null;
    endedById: string | null;
    endedByName: string | null;
    endReason: string | null;
    inForce: boolean;
  };
  enrollSecondFactor: {
    otpauthUri: string;
    /**
     * SVG data URL of otpauthUri
     */
    qrCode: string;
    expiresAt: string;
  };
  getAuditEvent: {
    /**
     * The sequence number in the chain
     */
    id: number;
    at: string;
    actor: {
      id: string | null;
      label: string;
      role: string | null;
      /**
       * A person, or what else acted (a source, SCIM, the service…)
       */
      kind: 'person' | 'source' | 'scim' | 'core' | 'anonymous' | 'system';
      /**
       * The acting person's current names
       */
      person: {
        displayName: string;
        /**
         * «Фамилия Имя Отчество»
         */
        fullName: string;
      } | null;
    };
    ip: string | null;
    userAgent: string | null;
    requestId: string | null;
    action: string;
    target: {
      type: string | null;
      id: string | null;
      label: string | null;
      /**
       * When the target is a person: their current names
       */
      person: {
        displayName: string;
        /**
         * «Фамилия Имя Отчество»
         */
        fullName: string;
      } | null;
    };
    outcome: string;
    reason: string | null;
    /**
     * The fields the action changed: their values before and after, secrets redacted
     */
    diff: {
      before?: {
        [k: string]: unknown;
      };
      after?: {
        [k: string]: unknown;
      };
    } | null;
    details: unknown;
  };
  getBulkJob: {
    id: string;
    verb:
      | 'deactivate'
      | 'activate'
      | 'suspend'
      | 'invite'
      | 'move'
      | 'add_to_space'
      | 'remove_from_space';
    status: 'queued' | 'running' | 'cancelled' | 'done' | 'failed';
    requestedBy: {
      id: string;
      label: string;
      /**
       * «Фамилия Имя Отчество» of the requester, now
       */
      fullName: string | null;
    };
    filter: {
      [k: string]: unknown;
    };
    /**
     * The names of the filter's organization, space and adding person, now
     */
    filterNames: {
      organization: string | null;
      space: string | null;
      addedBy: string | null;
    };
    params: {
      reason?: string | null;
      locale?: 'ru' | 'en';
      organizationId?: string;
      /**
       * Moving people: the organization’s name
       */
      organizationName?: string;
      spaceId?: string;
      /**
       * Adding to or removing from a space: the space’s name
       */
      spaceName?: string;
    };
    total: number;
    processed: number;
    ok: number;
    skipped: number;
    failed: number;
    cancelRequested: boolean;
    error: string | null;
    createdAt: string;
    finishedAt: string | null;
  };
  getConfigChange: {
    id: string;
    setting: 'directory_source';
    operation: 'create' | 'update' | 'delete';
    targetId: string;
    targetLabel: string | null;
    status: 'pending' | 'applied' | 'rejected' | 'expired' | 'superseded';
    /**
     * The setting before and after the change, and details; secrets redacted
     */
    diff: {
      before?: {
        [k: string]: unknown;
      };
      after?: {
        [k: string]: unknown;
      };
      details?: {
        [k: string]: unknown;
      };
    };
    requestedById: string | null;
    requestedBy: string;
    requestedAt: string;
    expiresAt: string;
    decidedById: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    reason: string | null;
    singleSuperadmin: boolean;
  };
  getDirectorySource: {
    id: string;
    name: string;
    origin: 'config' | 'api';
    kind: 'active-directory' | 'ldap';
    connection:
      | {
          kind: 'active-directory';
          url: string;
          startTls: boolean;
          tls: {
            ca?: string;
            caFile?: string;
            rejectUnauthorized: boolean;
          };
          allowPlain: boolean;
          bindDn: string;
          bindPasswordEnv?: string;
          baseDns: string[];
          timeoutMs: number;
          pageSize: number;
          attributes: {
            username?: (string | [string, ...string[]]) | null;
            givenName?: (string | [string, ...string[]]) | null;
            familyName?: (string | [string, ...string[]]) | null;
            middleName?: (string | [string, ...string[]]) | null;
            displayName?: (string | [string, ...string[]]) | null;
            email?: (string | [string, ...string[]]) | null;
            phone?: (string | [string, ...string[]]) | null;
            title?: (string | [string, ...string[]]) | null;
            department?: (string | [string, ...string[]]) | null;
            employeeId?: (string | [string, ...string[]]) | null;
            groups?: (string | [string, ...string[]]) | null;
          };
          groupBaseDn?: string;
          groupFilter?: string;
          groupMappings: {
            group: string;
            spaces: string[];
            organization: string | null;
          }[];
          nestedGroups: boolean;
          userFilter: string;
          loginAttribute: string;
        }
      | {
          kind: 'ldap';
          url: string;
          startTls: boolean;
          tls: {
            ca?: string;
            caFile?: string;
            rejectUnauthorized: boolean;
          };
          allowPlain: boolean;
          bindDn: string;
          bindPasswordEnv?: string;
          baseDns: string[];
          timeoutMs: number;
          pageSize: number;
          attributes: {
            username?: (string | [string, ...string[]]) | null;
            givenName?: (string | [string, ...string[]]) | null;
            familyName?: (string | [string, ...string[]]) | null;
            middleName?: (string | [string, ...string[]]) | null;
            displayName?: (string | [string, ...string[]]) | null;
            email?: (string | [string, ...string[]]) | null;
            phone?: (string | [string, ...string[]]) | null;
            title?: (string | [string, ...string[]]) | null;
            department?: (string | [string, ...string[]]) | null;
            employeeId?: (string | [string, ...string[]]) | null;
            groups?: (string | [string, ...string[]]) | null;
          };
          groupBaseDn?: string;
          groupFilter?: string;
          groupMappings: {
            group: string;
            spaces: string[];
            organization: string | null;
          }[];
          nestedGroups: boolean;
          userFilter: string;
          loginAttribute: string;
          idAttribute: string;
          lockAttribute: string | null;
        };
    bindPasswordSet: boolean;
    bindPasswordChangedAt: string | null;
    enabled: boolean;
    schedule: {
      incremental: string | null;
      full: string | null;
    };
    thresholds: {
      minShareOfManaged: number;
      maxDeactivationShare: number;
      maxDeactivations: number;
    };
    correlateBy: 'employeeId' | 'email' | 'username';
    reconnect: 'employeeId' | 'never';
  };
  getElevationRequest: {
    id: string;
    requester: {
      id: string;
      displayName: string;
    };
    role: 'staff' | 'admin' | 'auditor';
    scope: {
      id: string;
      name: string;
    }[];
    durationMinutes: number;
    reason: string;
    status: 'pending' | 'approved' | 'rejected' | 'lapsed';
    createdAt: string;
    lapsesAt: string;
    decidedAt: string | null;
    decidedBy: {
      id: string;
      displayName: string;
    } | null;
    decisionReason: string | null;
    grantId: string | null;
    grantExpiresAt: string | null;
  };
  getHeldAddresses: {
    held: {
      field: 'email' | 'phone';
      changedById: string;
      changedAt: string;
      heldUntil: string;
    }[];
  };
  getImport: {
    id: string;
    sourceId: string;
    mode: 'full' | 'incremental' | 'dry-run';
    readMode: string | null;
    status:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    counts: {
      [k: string]: number;
    };
    cursorBefore: {
      [k: string]: unknown;
    } | null;
    cursorAfter: {
      [k: string]: unknown;
    } | null;
    requestedBy: string;
    requestedById: string | null;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    error: string | null;
    errorCode:
      | (
          | 'run_failed'
          | 'run_interrupted'
          | 'run_plan_failed'
          | 'run_read_failed'
          | 'run_superseded'
        )
      | null;
    errorParams: {
      [k: string]: unknown;
    };
    safety: string | null;
    safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
    safetyParams: {
      [k: string]: unknown;
    };
    approvedById: string | null;
    approvedAt: string | null;
    details: {
      fileName?: string;
      sha256?: string;
      bytes?: number;
      format?: 'csv' | 'xlsx';
      encoding?: string | null;
      delimiter?: string | null;
      /**
       * The first 200 headers
       */
      headers?: string[];
      /**
       * Field → the header that feeds it
       */
      mapping?: {
        fullName?: string;
        familyName?: string;
        givenName?: string;
        middleName?: string;
        title?: string;
        department?: string;
        phone?: string;
        email?: string;
        employeeId?: string;
        hireDate?: string;
        terminationDate?: string;
        suspended?: string;
        username?: string;
      };
      unmappedHeaders?: string[];
      rows?: number;
      /**
       * The first 1,000 row errors, in file order
       */
      rowErrors?: {
        row: number;
        column: string | null;
        /**
         * A registered row error code (imports read before codes existed have none)
         */
        code?:
          | 'cell_count_mismatch'
          | 'control_character'
          | 'duplicate_employee_id'
          | 'employee_id_missing'
          | 'full_name_incomplete'
          | 'invalid_date'
          | 'invalid_email'
          | 'invalid_suspension_mark'
          | 'lone_surrogate'
          | 'name_missing'
          | 'termination_before_hire'
          | 'too_long';
        params?: {
          [k: string]: unknown;
        };
        /**
         * English, for API clients; the console shows the code’s text
         */
        message: string;
      }[];
      rowErrorCount?: number;
      scope?: 'partial' | 'complete';
      /**
       * The worker thread that read the file (never 0)
       */
      parsedInThread?: number;
      /**
       * Rows handed over for staging so far
       */
      progress?: {
        rowsRead: number;
        rows: number;
      };
    };
  };
  getImportPlan: {
    data: {
      seq: number;
      action:
        'create' | 'update' | 'deactivate' | 'suspend' | 'reactivate' | 'conflict' | 'unchanged';
      userId: string | null;
      externalId: string | null;
      locator: string | null;
      label: string | null;
      diff: {
        [k: string]: {
          from: unknown;
          to: unknown;
        };
      };
      /**
       * A create: the values the person is created with. Fields without a value are left out; the external id and locator are the item's own fields (plans made by earlier versions repeat them here)
       */
      record: {
        [k: string]: unknown;
      } | null;
      link: boolean;
      reason: string | null;
      notes:
        | {
            code:
              | 'value_control_character'
              | 'value_lone_surrogate'
              | 'value_too_long'
              | 'value_unstageable'
              | 'entry_id_missing'
              | 'import_row'
              | 'import_row_cell'
              | 'invalid_login'
              | 'invalid_email'
              | 'invalid_phone'
              | 'invalid_date'
              | 'value_cut'
              | 'groups_ignored'
              | 'id_shared'
              | 'decision_number_disagree'
              | 'former_number_shared'
              | 'former_number_claimed'
              | 'former_and_match'
              | 'match_many'
              | 'match_claimed'
              | 'login_taken'
              | 'email_taken'
              | 'maybe_same_person'
              | 'maybe_same_person_undecided'
              | 'ignored_same_person'
              | 'left_not_created'
              | 'disabled_not_created'
              | 'left_on'
              | 'disabled_in_source'
              | 'back_from_leave'
              | 'enabled_again'
              | 'on_leave'
              | 'kept_deactivated'
              | 'kept_suspended'
              | 'reconnected_by_decision'
              | 'reconnected_by_number'
              | 'linked_by'
              | 'starts_on'
              | 'leaves_on'
              | 'released_login'
              | 'released_email'
              | 'released_login_email'
              | 'requester_rank'
              | 'requester_scope'
              | 'not_found_in_source'
              | 'not_in_complete_list'
              | 'gone_from_source'
              | 'deleted_in_directory'
              | 'deleted_in_directory_from'
              | 'filter_no_match'
              | 'moved_out_of_base'
              | 'blocked_insufficient_rank'
              | 'blocked_outside_scope'
              | 'blocked_last_superadmin'
              | 'blocked_empty_read'
              | 'blocked_partial_read'
              | 'taken_since_plan'
              | 'changed_since_plan';
            params: {
              [k: string]: unknown;
            };
          }[]
        | null;
      blocked: string | null;
      blockedNote: {
        code:
          | 'value_control_character'
          | 'value_lone_surrogate'
          | 'value_too_long'
          | 'value_unstageable'
          | 'entry_id_missing'
          | 'import_row'
          | 'import_row_cell'
          | 'invalid_login'
          | 'invalid_email'
          | 'invalid_phone'
          | 'invalid_date'
          | 'value_cut'
          | 'groups_ignored'
          | 'id_shared'
          | 'decision_number_disagree'
          | 'former_number_shared'
          | 'former_number_claimed'
          | 'former_and_match'
          | 'match_many'
          | 'match_claimed'
          | 'login_taken'
          | 'email_taken'
          | 'maybe_same_person'
          | 'maybe_same_person_undecided'
          | 'ignored_same_person'
          | 'left_not_created'
          | 'disabled_not_created'
          | 'left_on'
          | 'disabled_in_source'
          | 'back_from_leave'
          | 'enabled_again'
          | 'on_leave'
          | 'kept_deactivated'
          | 'kept_suspended'
          | 'reconnected_by_decision'
          | 'reconnected_by_number'
          | 'linked_by'
          | 'starts_on'
          | 'leaves_on'
          | 'released_login'
          | 'released_email'
          | 'released_login_email'
          | 'requester_rank'
          | 'requester_scope'
          | 'not_found_in_source'
          | 'not_in_complete_list'
          | 'gone_from_source'
          | 'deleted_in_directory'
          | 'deleted_in_directory_from'
          | 'filter_no_match'
          | 'moved_out_of_base'
          | 'blocked_insufficient_rank'
          | 'blocked_outside_scope'
          | 'blocked_last_superadmin'
          | 'blocked_empty_read'
          | 'blocked_partial_read'
          | 'taken_since_plan'
          | 'changed_since_plan';
        params: {
          [k: string]: unknown;
        };
      } | null;
      outcome: string | null;
      outcomeReason: string | null;
      outcomeNote: {
        code:
          | 'value_control_character'
          | 'value_lone_surrogate'
          | 'value_too_long'
          | 'value_unstageable'
          | 'entry_id_missing'
          | 'import_row'
          | 'import_row_cell'
          | 'invalid_login'
          | 'invalid_email'
          | 'invalid_phone'
          | 'invalid_date'
          | 'value_cut'
          | 'groups_ignored'
          | 'id_shared'
          | 'decision_number_disagree'
          | 'former_number_shared'
          | 'former_number_claimed'
          | 'former_and_match'
          | 'match_many'
          | 'match_claimed'
          | 'login_taken'
          | 'email_taken'
          | 'maybe_same_person'
          | 'maybe_same_person_undecided'
          | 'ignored_same_person'
          | 'left_not_created'
          | 'disabled_not_created'
          | 'left_on'
          | 'disabled_in_source'
          | 'back_from_leave'
          | 'enabled_again'
          | 'on_leave'
          | 'kept_deactivated'
          | 'kept_suspended'
          | 'reconnected_by_decision'
          | 'reconnected_by_number'
          | 'linked_by'
          | 'starts_on'
          | 'leaves_on'
          | 'released_login'
          | 'released_email'
          | 'released_login_email'
          | 'requester_rank'
          | 'requester_scope'
          | 'not_found_in_source'
          | 'not_in_complete_list'
          | 'gone_from_source'
          | 'deleted_in_directory'
          | 'deleted_in_directory_from'
          | 'filter_no_match'
          | 'moved_out_of_base'
          | 'blocked_insufficient_rank'
          | 'blocked_outside_scope'
          | 'blocked_last_superadmin'
          | 'blocked_empty_read'
          | 'blocked_partial_read'
          | 'taken_since_plan'
          | 'changed_since_plan';
        params: {
          [k: string]: unknown;
        };
      } | null;
      proposed: {
        userId: string;
        label: string;
        deactivatedOn: string | null;
      } | null;
    }[];
    total: number;
  };
  getInvitation: {
    userId: string;
    status: 'not_invited' | 'invited' | 'held' | 'expired' | 'registered' | 'revoked';
    locale: ('ru' | 'en') | null;
    firstSentAt: string | null;
    lastSentAt: string | null;
    sentCount: number;
    firstInvitedById: string | null;
    lastInvitedById: string | null;
    expiresAt: string | null;
    remindedAt: string | null;
    heldUntil: string | null;
    registeredAt: string | null;
    revokedAt: string | null;
  };
  getInvitationBatch: {
    id: string;
    status: 'running' | 'succeeded' | 'failed';
    requestedBy: string;
    filter: {
      [k: string]: unknown;
    };
    locale: 'ru' | 'en';
    total: number;
    processed: number;
    invited: number;
    skipped: number;
    error: string | null;
    createdAt: string;
    finishedAt: string | null;
    items: {
      userId: string;
      label: string | null;
      outcome: ('invited' | 'skipped') | null;
      code: string | null;
    }[];
  };
  getMailSettings: {
    configured: boolean;
    host: string | null;
    port: number | null;
    security: ('starttls' | 'tls' | 'plain') | null;
    user: string | null;
    passwordSet: boolean;
    customCa: boolean;
    rejectUnauthorized: boolean | null;
    from: string | null;
    replyTo: string | null;
    companyName: string;
    source: 'config';
  };
  getMe: {
    user: {
      id: string;
      username: string | null;
      displayName: string;
      role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
      email: string | null;
    };
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * Role grants in force on top of `role` (issue 18): scope and expiry
     */
    grants: {
      role: 'staff' | 'admin' | 'auditor';
      scope: {
        id: string;
        name: string;
      }[];
      expiresAt: string | null;
    }[];
    /**
     * CASL's packed rules of the caller
     */
    rules: unknown[];
    /**
     * Send back in X-CSRF-Token on unsafe requests
     */
    csrfToken: string;
    /**
     * The company's IANA time zone (hr.timeZone): the console shows times in it
     */
    timeZone: string;
  };
  getMyElevation: {
    data: {
      grantId: string;
      role: 'staff' | 'admin' | 'auditor';
      scope: {
        id: string;
        name: string;
      }[];
      expiresAt: string;
    }[];
  };
  getOrganization: {
    id: string;
    name: string;
    kind: 'department' | 'project';
    parentId: string | null;
    description: string | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    /**
     * The head of the organization (access reviews)
     */
    headId: string | null;
    childrenCount: number;
    /**
     * People whose primary organization this is
     */
    memberCount: number;
    /**
     * People of this organization and of every organization under it
     */
    totalMemberCount: number;
    createdAt: string;
    updatedAt: string;
    version: number;
    parent: {
      id: string;
      name: string;
    } | null;
  };
  getPersonAccess: {
    userId: string;
    fullName: string;
    status: 'pending' | 'active' | 'suspended' | 'deactivated';
    owners: string[];
    organization: {
      id: string;
      name: string;
      /**
       * From the top of the tree down to the organization
       */
      path: string[];
      via: 'manual' | 'directory' | 'hr' | 'scim' | 'import';
      viaSourceId: string | null;
    } | null;
    spaces: {
      spaceId: string;
      name: string;
      organizationName: string | null;
      via: 'manual' | 'directory_group' | 'hr' | 'scim' | 'import';
      viaSourceId: string | null;
      addedAt: string;
      addedById: string | null;
      addedByName: string | null;
    }[];
    spacesTotal: number;
    rights: {
      role: 'staff' | 'admin' | 'auditor' | 'superadmin';
      /**
       * null: the standing role of the account
       */
      grantId: string | null;
      /**
       * empty: the company
       */
      scope: {
        id: string;
        name: string;
      }[];
      expiresAt: string | null;
      grantedAt: string | null;
      reason: string | null;
    }[];
  };
  getReviewCampaign: {
    id: string;
    name: string;
    kind: 'backoffice_rights' | 'space_members';
    organization: {
      id: string;
      name: string;
    } | null;
    reviewerRule: 'organization_head' | 'named';
    reviewer: {
      id: string;
      name: string;
    };
    dueAt: string;
    revokeMode: 'at_once' | 'at_close';
    undecided: 'keep' | 'revoke';
    status: 'open' | 'closed';
    createdBy: {
      id: string;
      name: string;
    } | null;
    createdAt: string;
    closedBy: {
      id: string;
      name: string;
    } | null;
    closedAt: string | null;
    progress: {
      total: number;
      decided: number;
      confirmed: number;
      revoked: number;
      applied: number;
      undecidedAtClose: number;
    };
    reportSha256: string | null;
  };
  getSiemStatus: {
    configured: boolean;
    target: string | null;
    cursorSeq: string;
    headSeq: string;
    lag: string;
    connected: boolean;
    lastError: string | null;
    lastErrorAt: string | null;
    deliveredAt: string | null;
  };
  getSpace: {
    id: string;
    name: string;
    description: string | null;
    organizationId: string | null;
    organizationName: string | null;
    memberCount: number;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  getStatistics: {
    timeZone: string;
    /**
     * A calendar day in the company time zone
     */
    from: string;
    /**
     * A calendar day in the company time zone
     */
    to: string;
    people: {
      byStatus: {
        /**
         * A calendar day in the company time zone
         */
        day: string;
        pending: number;
        active: number;
        suspended: number;
        deactivated: number;
      }[];
      joinersLeavers: {
        /**
         * The Monday of an ISO week in the company time zone
         */
        week: string;
        joined: number;
        left: number;
      }[];
      enrolment: {
        /**
         * The Monday of an ISO week in the company time zone
         */
        week: string;
        invited: number;
        registered: number;
        secondFactor: number;
      }[];
      secondFactor: {
        enrolled: number;
        active: number;
      };
      registration: {
        invited: number;
        registered: number;
        held: number;
        revoked: number;
      };
    };
    syncRuns:
      | {
          /**
           * The Monday of an ISO week in the company time zone
           */
          week: string;
          succeeded: number;
          failed: number;
          cancelled: number;
          other: number;
        }[]
      | null;
    deliveries: {
      deadNow: number;
      failedPerWeek: {
        /**
         * The Monday of an ISO week in the company time zone
         */
        week: string;
        dead: number;
      }[];
    } | null;
  };
  getStatusHistory: {
    data: {
      at: string;
      from: 'pending' | 'active' | 'suspended' | 'deactivated';
      to: 'pending' | 'active' | 'suspended' | 'deactivated';
      door: 'console' | 'bulk' | 'hr-import' | 'scim' | 'schedule' | 'directory' | 'enrollment';
      sourceId: string | null;
      actorId: string | null;
      actorLabel: string;
      /**
       * The acting person's current full name
       */
      actorName: string | null;
      actorKind: 'person' | 'source' | 'scim' | 'core' | 'anonymous' | 'system';
      reason: string | null;
      /**
       * The reason's phrases as codes with params (a source's), for the console's words
       */
      reasonNotes:
        | {
            code:
              | 'value_control_character'
              | 'value_lone_surrogate'
              | 'value_too_long'
              | 'value_unstageable'
              | 'entry_id_missing'
              | 'import_row'
              | 'import_row_cell'
              | 'invalid_login'
              | 'invalid_email'
              | 'invalid_phone'
              | 'invalid_date'
              | 'value_cut'
              | 'groups_ignored'
              | 'id_shared'
              | 'decision_number_disagree'
              | 'former_number_shared'
              | 'former_number_claimed'
              | 'former_and_match'
              | 'match_many'
              | 'match_claimed'
              | 'login_taken'
              | 'email_taken'
              | 'maybe_same_person'
              | 'maybe_same_person_undecided'
              | 'ignored_same_person'
              | 'left_not_created'
              | 'disabled_not_created'
              | 'left_on'
              | 'disabled_in_source'
              | 'back_from_leave'
              | 'enabled_again'
              | 'on_leave'
              | 'kept_deactivated'
              | 'kept_suspended'
              | 'reconnected_by_decision'
              | 'reconnected_by_number'
              | 'linked_by'
              | 'starts_on'
              | 'leaves_on'
              | 'released_login'
              | 'released_email'
              | 'released_login_email'
              | 'requester_rank'
              | 'requester_scope'
              | 'not_found_in_source'
              | 'not_in_complete_list'
              | 'gone_from_source'
              | 'deleted_in_directory'
              | 'deleted_in_directory_from'
              | 'filter_no_match'
              | 'moved_out_of_base'
              | 'blocked_insufficient_rank'
              | 'blocked_outside_scope'
              | 'blocked_last_superadmin'
              | 'blocked_empty_read'
              | 'blocked_partial_read'
              | 'taken_since_plan'
              | 'changed_since_plan';
            params: {
              [k: string]: unknown;
            };
          }[]
        | null;
    }[];
    total: number;
  };
  getSyncRun: {
    id: string;
    sourceId: string;
    mode: 'full' | 'incremental' | 'dry-run';
    readMode: string | null;
    status:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    counts: {
      [k: string]: number;
    };
    cursorBefore: {
      [k: string]: unknown;
    } | null;
    cursorAfter: {
      [k: string]: unknown;
    } | null;
    requestedBy: string;
    requestedById: string | null;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    error: string | null;
    errorCode:
      | (
          | 'run_failed'
          | 'run_interrupted'
          | 'run_plan_failed'
          | 'run_read_failed'
          | 'run_superseded'
        )
      | null;
    errorParams: {
      [k: string]: unknown;
    };
    safety: string | null;
    safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
    safetyParams: {
      [k: string]: unknown;
    };
    approvedById: string | null;
    approvedAt: string | null;
    details: {
      [k: string]: unknown;
    };
  };
  getSyncRunPlan: {
    data: {
      seq: number;
      action:
        'create' | 'update' | 'deactivate' | 'suspend' | 'reactivate' | 'conflict' | 'unchanged';
      userId: string | null;
      externalId: string | null;
      locator: string | null;
      label: string | null;
      diff: {
        [k: string]: {
          from: unknown;
          to: unknown;
        };
      };
      /**
       * A create: the values the person is created with. Fields without a value are left out; the external id and locator are the item's own fields (plans made by earlier versions repeat them here)
       */
      record: {
        [k: string]: unknown;
      } | null;
      link: boolean;
      reason: string | null;
      notes:
        | {
            code:
              | 'value_control_character'
              | 'value_lone_surrogate'
              | 'value_too_long'
              | 'value_unstageable'
              | 'entry_id_missing'
              | 'import_row'
              | 'import_row_cell'
              | 'invalid_login'
              | 'invalid_email'
              | 'invalid_phone'
              | 'invalid_date'
              | 'value_cut'
              | 'groups_ignored'
              | 'id_shared'
              | 'decision_number_disagree'
              | 'former_number_shared'
              | 'former_number_claimed'
              | 'former_and_match'
              | 'match_many'
              | 'match_claimed'
              | 'login_taken'
              | 'email_taken'
              | 'maybe_same_person'
              | 'maybe_same_person_undecided'
              | 'ignored_same_person'
              | 'left_not_created'
              | 'disabled_not_created'
              | 'left_on'
              | 'disabled_in_source'
              | 'back_from_leave'
              | 'enabled_again'
              | 'on_leave'
              | 'kept_deactivated'
              | 'kept_suspended'
              | 'reconnected_by_decision'
              | 'reconnected_by_number'
              | 'linked_by'
              | 'starts_on'
              | 'leaves_on'
              | 'released_login'
              | 'released_email'
              | 'released_login_email'
              | 'requester_rank'
              | 'requester_scope'
              | 'not_found_in_source'
              | 'not_in_complete_list'
              | 'gone_from_source'
              | 'deleted_in_directory'
              | 'deleted_in_directory_from'
              | 'filter_no_match'
              | 'moved_out_of_base'
              | 'blocked_insufficient_rank'
              | 'blocked_outside_scope'
              | 'blocked_last_superadmin'
              | 'blocked_empty_read'
              | 'blocked_partial_read'
              | 'taken_since_plan'
              | 'changed_since_plan';
            params: {
              [k: string]: unknown;
            };
          }[]
        | null;
      blocked: string | null;
      blockedNote: {
        code:
          | 'value_control_character'
          | 'value_lone_surrogate'
          | 'value_too_long'
          | 'value_unstageable'
          | 'entry_id_missing'
          | 'import_row'
          | 'import_row_cell'
          | 'invalid_login'
          | 'invalid_email'
          | 'invalid_phone'
          | 'invalid_date'
          | 'value_cut'
          | 'groups_ignored'
          | 'id_shared'
          | 'decision_number_disagree'
          | 'former_number_shared'
          | 'former_number_claimed'
          | 'former_and_match'
          | 'match_many'
          | 'match_claimed'
          | 'login_taken'
          | 'email_taken'
          | 'maybe_same_person'
          | 'maybe_same_person_undecided'
          | 'ignored_same_person'
          | 'left_not_created'
          | 'disabled_not_created'
          | 'left_on'
          | 'disabled_in_source'
          | 'back_from_leave'
          | 'enabled_again'
          | 'on_leave'
          | 'kept_deactivated'
          | 'kept_suspended'
          | 'reconnected_by_decision'
          | 'reconnected_by_number'
          | 'linked_by'
          | 'starts_on'
          | 'leaves_on'
          | 'released_login'
          | 'released_email'
          | 'released_login_email'
          | 'requester_rank'
          | 'requester_scope'
          | 'not_found_in_source'
          | 'not_in_complete_list'
          | 'gone_from_source'
          | 'deleted_in_directory'
          | 'deleted_in_directory_from'
          | 'filter_no_match'
          | 'moved_out_of_base'
          | 'blocked_insufficient_rank'
          | 'blocked_outside_scope'
          | 'blocked_last_superadmin'
          | 'blocked_empty_read'
          | 'blocked_partial_read'
          | 'taken_since_plan'
          | 'changed_since_plan';
        params: {
          [k: string]: unknown;
        };
      } | null;
      outcome: string | null;
      outcomeReason: string | null;
      outcomeNote: {
        code:
          | 'value_control_character'
          | 'value_lone_surrogate'
          | 'value_too_long'
          | 'value_unstageable'
          | 'entry_id_missing'
          | 'import_row'
          | 'import_row_cell'
          | 'invalid_login'
          | 'invalid_email'
          | 'invalid_phone'
          | 'invalid_date'
          | 'value_cut'
          | 'groups_ignored'
          | 'id_shared'
          | 'decision_number_disagree'
          | 'former_number_shared'
          | 'former_number_claimed'
          | 'former_and_match'
          | 'match_many'
          | 'match_claimed'
          | 'login_taken'
          | 'email_taken'
          | 'maybe_same_person'
          | 'maybe_same_person_undecided'
          | 'ignored_same_person'
          | 'left_not_created'
          | 'disabled_not_created'
          | 'left_on'
          | 'disabled_in_source'
          | 'back_from_leave'
          | 'enabled_again'
          | 'on_leave'
          | 'kept_deactivated'
          | 'kept_suspended'
          | 'reconnected_by_decision'
          | 'reconnected_by_number'
          | 'linked_by'
          | 'starts_on'
          | 'leaves_on'
          | 'released_login'
          | 'released_email'
          | 'released_login_email'
          | 'requester_rank'
          | 'requester_scope'
          | 'not_found_in_source'
          | 'not_in_complete_list'
          | 'gone_from_source'
          | 'deleted_in_directory'
          | 'deleted_in_directory_from'
          | 'filter_no_match'
          | 'moved_out_of_base'
          | 'blocked_insufficient_rank'
          | 'blocked_outside_scope'
          | 'blocked_last_superadmin'
          | 'blocked_empty_read'
          | 'blocked_partial_read'
          | 'taken_since_plan'
          | 'changed_since_plan';
        params: {
          [k: string]: unknown;
        };
      } | null;
      proposed: {
        userId: string;
        label: string;
        deactivatedOn: string | null;
      } | null;
    }[];
    total: number;
  };
  getUser: {
    id: string;
    username: string | null;
    /**
     * The account in the messaging core: assigned with the first login, never reused
     */
    coreAccount: string | null;
    familyName: string;
    givenName: string;
    middleName: string | null;
    /**
     * «Фамилия Имя Отчество»: how the console lists people
     */
    fullName: string;
    displayName: string;
    email: string | null;
    phone: string | null;
    title: string | null;
    organization: {
      id: string;
      name: string;
    } | null;
    status: 'pending' | 'active' | 'suspended' | 'deactivated';
    statusChangedAt: string | null;
    statusChangedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    statusReason: string | null;
    loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * The highest rank in force: standing role and role grants
     */
    rank: number;
    addedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    /**
     * Free text: someone outside the directory
     */
    initiatedBy: string | null;
    /**
     * The person of the directory who asked for this one
     */
    initiatedByPerson: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    sourceId: string | null;
    hrSourceId: string | null;
    employeeNumber: string | null;
    /**
     * YYYY-MM-DD
     */
    hireDate: string | null;
    /**
     * YYYY-MM-DD
     */
    terminationDate: string | null;
    fieldOwners: {
      [k: string]: string;
    };
    lastLoginAt: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
    secondFactor: {
      enrolled: boolean;
      enrolledAt: string | null;
    };
    spaces:
      | {
          id: string;
          name: string;
        }[]
      | null;
    scheduledChanges:
      | {
          id: string;
          userId: string;
          userLabel: string;
          kind: 'activate' | 'deactivate';
          effectiveDate: string;
          effectiveAt: string;
          sourceId: string;
          reason: string | null;
          createdBy: string;
          createdById: string | null;
          createdAt: string;
          updatedAt: string;
          cancelledAt: string | null;
          cancelledBy: string | null;
          firedAt: string | null;
          outcome: ('applied' | 'skipped') | null;
          outcomeReason: string | null;
        }[]
      | null;
    hasCredentials: boolean;
    credentialDisclosures: {
      at: string;
      byId: string | null;
      byLabel: string | null;
      reason: string | null;
      expiresAt: string;
      usedAt: string | null;
    }[];
  };
  grantRole: {
    id: string;
    userId: string;
    role: 'staff' | 'admin' | 'auditor';
    scope: {
      id: string;
      name: string;
    }[];
    expiresAt: string | null;
    reason: string;
    grantedById: string | null;
    grantedByName: string | null;
    approvedById: string | null;
    createdAt: string;
    endedAt: string | null;
    endedById: string | null;
    endedByName: string | null;
    endReason: string | null;
    inForce: boolean;
  };
  introspectToken:
    | {
        active: true;
        sub: string;
        /**
         * The login
         */
        username?: string;
        /**
         * The account in the core (XMPP localpart): assigned once, never reused
         */
        core_account?: string;
        sid: string;
        exp: number;
        iat: number;
        token_type: 'device_session';
      }
    | {
        active: false;
      };
  inviteUser: {
    userId: string;
    status: 'not_invited' | 'invited' | 'held' | 'expired' | 'registered' | 'revoked';
    locale: ('ru' | 'en') | null;
    firstSentAt: string | null;
    lastSentAt: string | null;
    sentCount: number;
    firstInvitedById: string | null;
    lastInvitedById: string | null;
    expiresAt: string | null;
    remindedAt: string | null;
    heldUntil: string | null;
    registeredAt: string | null;
    revokedAt: string | null;
  };
  issueEnrollmentLink: {
    url: string;
    expiresAt: string;
    disclosure: boolean;
  };
  listAccessView: {
    data: {
      userId: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
      username: string | null;
      email: string | null;
      status: 'pending' | 'active' | 'suspended' | 'deactivated';
      organizationId: string | null;
      organizationName: string | null;
      /**
       * Back-office roles in force: standing and granted
       */
      roles: ('staff' | 'admin' | 'auditor' | 'superadmin')[];
      loginMethod: string;
      /**
       * Last sign-in anywhere (messenger or console)
       */
      lastLoginAt: string | null;
      /**
       * Last use of the console
       */
      lastBackofficeAt: string | null;
      /**
       * What the idle days count from
       */
      idleSince: string | null;
      idleDays: number | null;
      /**
       * Sources that own the person
       */
      owners: string[];
      /**
       * orphaned: each owning source and why it counts the person as gone
       */
      goneFrom: {
        sourceId: string;
        reason: 'source_removed' | 'deactivation_not_applied';
      }[];
    }[];
    total: number;
  };
  listAuditEvents: {
    data: {
      /**
       * The sequence number in the chain
       */
      id: number;
      at: string;
      actor: {
        id: string | null;
        label: string;
        role: string | null;
        /**
         * A person, or what else acted (a source, SCIM, the service…)
         */
        kind: 'person' | 'source' | 'scim' | 'core' | 'anonymous' | 'system';
        /**
         * The acting person's current names
         */
        person: {
          displayName: string;
          /**
           * «Фамилия Имя Отчество»
           */
          fullName: string;
        } | null;
      };
      ip: string | null;
      userAgent: string | null;
      requestId: string | null;
      action: string;
      target: {
        type: string | null;
        id: string | null;
        label: string | null;
        /**
         * When the target is a person: their current names
         */
        person: {
          displayName: string;
          /**
           * «Фамилия Имя Отчество»
           */
          fullName: string;
        } | null;
      };
      outcome: string;
      reason: string | null;
      /**
       * The fields the action changed: their values before and after, secrets redacted
       */
      diff: {
        before?: {
          [k: string]: unknown;
        };
        after?: {
          [k: string]: unknown;
        };
      } | null;
      details: unknown;
    }[];
    total: number;
    totalIsEstimate: boolean;
    nextCursor: string | null;
  };
  listBackofficeAccounts: {
    data: {
      id: string;
      username: string | null;
      /**
       * The account in the messaging core: assigned with the first login, never reused
       */
      coreAccount: string | null;
      familyName: string;
      givenName: string;
      middleName: string | null;
      /**
       * «Фамилия Имя Отчество»: how the console lists people
       */
      fullName: string;
      displayName: string;
      email: string | null;
      phone: string | null;
      title: string | null;
      organization: {
        id: string;
        name: string;
      } | null;
      status: 'pending' | 'active' | 'suspended' | 'deactivated';
      statusChangedAt: string | null;
      statusChangedBy: {
        id: string;
        displayName: string;
        /**
         * «Фамилия Имя Отчество»
         */
        fullName: string;
      } | null;
      statusReason: string | null;
      loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
      role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
      /**
       * The highest rank in force: standing role and role grants
       */
      rank: number;
      addedBy: {
        id: string;
        displayName: string;
        /**
         * «Фамилия Имя Отчество»
         */
        fullName: string;
      } | null;
      /**
       * Free text: someone outside the directory
       */
      initiatedBy: string | null;
      /**
       * The person of the directory who asked for this one
       */
      initiatedByPerson: {
        id: string;
        displayName: string;
        /**
         * «Фамилия Имя Отчество»
         */
        fullName: string;
      } | null;
      source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
      externalId: string | null;
      sourceId: string | null;
      hrSourceId: string | null;
      employeeNumber: string | null;
      /**
       * YYYY-MM-DD
       */
      hireDate: string | null;
      /**
       * YYYY-MM-DD
       */
      terminationDate: string | null;
      fieldOwners: {
        [k: string]: string;
      };
      lastLoginAt: string | null;
      createdAt: string;
      updatedAt: string;
      version: number;
      invitation?: 'not_invited' | 'invited' | 'held' | 'expired' | 'registered' | 'revoked';
    }[];
    total: number;
    /**
     * `true`: a search matched more than `total` people and counting stopped there, so `total` is a lower bound (ask with `exactTotal=true` for the whole count)
     */
    totalIsEstimate: boolean;
  };
  listBulkJobs: {
    data: {
      id: string;
      verb:
        | 'deactivate'
        | 'activate'
        | 'suspend'
        | 'invite'
        | 'move'
        | 'add_to_space'
        | 'remove_from_space';
      status: 'queued' | 'running' | 'cancelled' | 'done' | 'failed';
      requestedBy: {
        id: string;
        label: string;
        /**
         * «Фамилия Имя Отчество» of the requester, now
         */
        fullName: string | null;
      };
      filter: {
        [k: string]: unknown;
      };
      /**
       * The names of the filter's organization, space and adding person, now
       */
      filterNames: {
        organization: string | null;
        space: string | null;
        addedBy: string | null;
      };
      params: {
        reason?: string | null;
        locale?: 'ru' | 'en';
        organizationId?: string;
        /**
         * Moving people: the organization’s name
         */
        organizationName?: string;
        spaceId?: string;
        /**
         * Adding to or removing from a space: the space’s name
         */
        spaceName?: string;
      };
      total: number;
      processed: number;
      ok: number;
      skipped: number;
      failed: number;
      cancelRequested: boolean;
      error: string | null;
      createdAt: string;
      finishedAt: string | null;
    }[];
    total: number;
  };
  listConfigChanges: {
    data: {
      id: string;
      setting: 'directory_source';
      operation: 'create' | 'update' | 'delete';
      targetId: string;
      targetLabel: string | null;
      status: 'pending' | 'applied' | 'rejected' | 'expired' | 'superseded';
      /**
       * The setting before and after the change, and details; secrets redacted
       */
      diff: {
        before?: {
          [k: string]: unknown;
        };
        after?: {
          [k: string]: unknown;
        };
        details?: {
          [k: string]: unknown;
        };
      };
      requestedById: string | null;
      requestedBy: string;
      requestedAt: string;
      expiresAt: string;
      decidedById: string | null;
      decidedBy: string | null;
      decidedAt: string | null;
      reason: string | null;
      singleSuperadmin: boolean;
    }[];
    total: number;
  };
  listCoreDeliveries: {
    data: {
      id: string;
      connector: string;
      key: string;
      type: string;
      status: 'pending' | 'dead' | 'delivered' | 'skipped';
      payload: {
        [k: string]: unknown;
      };
      createdAt: string;
      attempts: number;
      nextAttemptAt: string | null;
      deliveredAt: string | null;
      deadAt: string | null;
      skippedAt: string | null;
      lastError: string | null;
    }[];
    total: number;
  };
  listDirectorySources: {
    data: {
      id: string;
      name: string;
      origin: 'config' | 'api';
      kind: 'active-directory' | 'ldap';
      connection:
        | {
            kind: 'active-directory';
            url: string;
            startTls: boolean;
            tls: {
              ca?: string;
              caFile?: string;
              rejectUnauthorized: boolean;
            };
            allowPlain: boolean;
            bindDn: string;
            bindPasswordEnv?: string;
            baseDns: string[];
            timeoutMs: number;
            pageSize: number;
            attributes: {
              username?: (string | [string, ...string[]]) | null;
              givenName?: (string | [string, ...string[]]) | null;
              familyName?: (string | [string, ...string[]]) | null;
              middleName?: (string | [string, ...string[]]) | null;
              displayName?: (string | [string, ...string[]]) | null;
              email?: (string | [string, ...string[]]) | null;
              phone?: (string | [string, ...string[]]) | null;
              title?: (string | [string, ...string[]]) | null;
              department?: (string | [string, ...string[]]) | null;
              employeeId?: (string | [string, ...string[]]) | null;
              groups?: (string | [string, ...string[]]) | null;
            };
            groupBaseDn?: string;
            groupFilter?: string;
            groupMappings: {
              group: string;
              spaces: string[];
              organization: string | null;
            }[];
            nestedGroups: boolean;
            userFilter: string;
            loginAttribute: string;
          }
        | {
            kind: 'ldap';
            url: string;
            startTls: boolean;
            tls: {
              ca?: string;
              caFile?: string;
              rejectUnauthorized: boolean;
            };
            allowPlain: boolean;
            bindDn: string;
            bindPasswordEnv?: string;
            baseDns: string[];
            timeoutMs: number;
            pageSize: number;
            attributes: {
              username?: (string | [string, ...string[]]) | null;
              givenName?: (string | [string, ...string[]]) | null;
              familyName?: (string | [string, ...string[]]) | null;
              middleName?: (string | [string, ...string[]]) | null;
              displayName?: (string | [string, ...string[]]) | null;
              email?: (string | [string, ...string[]]) | null;
              phone?: (string | [string, ...string[]]) | null;
              title?: (string | [string, ...string[]]) | null;
              department?: (string | [string, ...string[]]) | null;
              employeeId?: (string | [string, ...string[]]) | null;
              groups?: (string | [string, ...string[]]) | null;
            };
            groupBaseDn?: string;
            groupFilter?: string;
            groupMappings: {
              group: string;
              spaces: string[];
              organization: string | null;
            }[];
            nestedGroups: boolean;
            userFilter: string;
            loginAttribute: string;
            idAttribute: string;
            lockAttribute: string | null;
          };
      bindPasswordSet: boolean;
      bindPasswordChangedAt: string | null;
      enabled: boolean;
      schedule: {
        incremental: string | null;
        full: string | null;
      };
      thresholds: {
        minShareOfManaged: number;
        maxDeactivationShare: number;
        maxDeactivations: number;
      };
      correlateBy: 'employeeId' | 'email' | 'username';
      reconnect: 'employeeId' | 'never';
    }[];
    total: number;
  };
  listElevationRequests: {
    data: {
      id: string;
      requester: {
        id: string;
        displayName: string;
      };
      role: 'staff' | 'admin' | 'auditor';
      scope: {
        id: string;
        name: string;
      }[];
      durationMinutes: number;
      reason: string;
      status: 'pending' | 'approved' | 'rejected' | 'lapsed';
      createdAt: string;
      lapsesAt: string;
      decidedAt: string | null;
      decidedBy: {
        id: string;
        displayName: string;
      } | null;
      decisionReason: string | null;
      grantId: string | null;
      grantExpiresAt: string | null;
    }[];
    total: number;
  };
  listImports: {
    data: {
      id: string;
      sourceId: string;
      mode: 'full' | 'incremental' | 'dry-run';
      readMode: string | null;
      status:
        | 'running'
        | 'planned'
        | 'awaiting_approval'
        | 'applying'
        | 'succeeded'
        | 'failed'
        | 'cancelled';
      counts: {
        [k: string]: number;
      };
      cursorBefore: {
        [k: string]: unknown;
      } | null;
      cursorAfter: {
        [k: string]: unknown;
      } | null;
      requestedBy: string;
      requestedById: string | null;
      startedAt: string;
      finishedAt: string | null;
      durationMs: number | null;
      error: string | null;
      errorCode:
        | (
            | 'run_failed'
            | 'run_interrupted'
            | 'run_plan_failed'
            | 'run_read_failed'
            | 'run_superseded'
          )
        | null;
      errorParams: {
        [k: string]: unknown;
      };
      safety: string | null;
      safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
      safetyParams: {
        [k: string]: unknown;
      };
      approvedById: string | null;
      approvedAt: string | null;
      details: {
        fileName?: string;
        sha256?: string;
        bytes?: number;
        format?: 'csv' | 'xlsx';
        encoding?: string | null;
        delimiter?: string | null;
        /**
         * The first 200 headers
         */
        headers?: string[];
        /**
         * Field → the header that feeds it
         */
        mapping?: {
          fullName?: string;
          familyName?: string;
          givenName?: string;
          middleName?: string;
          title?: string;
          department?: string;
          phone?: string;
          email?: string;
          employeeId?: string;
          hireDate?: string;
          terminationDate?: string;
          suspended?: string;
          username?: string;
        };
        unmappedHeaders?: string[];
        rows?: number;
        /**
         * The first 1,000 row errors, in file order
         */
        rowErrors?: {
          row: number;
          column: string | null;
          /**
           * A registered row error code (imports read before codes existed have none)
           */
          code?:
            | 'cell_count_mismatch'
            | 'control_character'
            | 'duplicate_employee_id'
            | 'employee_id_missing'
            | 'full_name_incomplete'
            | 'invalid_date'
            | 'invalid_email'
            | 'invalid_suspension_mark'
            | 'lone_surrogate'
            | 'name_missing'
            | 'termination_before_hire'
            | 'too_long';
          params?: {
            [k: string]: unknown;
          };
          /**
           * English, for API clients; the console shows the code’s text
           */
          message: string;
        }[];
        rowErrorCount?: number;
        scope?: 'partial' | 'complete';
        /**
         * The worker thread that read the file (never 0)
         */
        parsedInThread?: number;
        /**
         * Rows handed over for staging so far
         */
        progress?: {
          rowsRead: number;
          rows: number;
        };
      };
    }[];
    total: number;
  };
  listMailMessages: {
    data: {
      id: string;
      recipient: string;
      template: string;
      locale: 'ru' | 'en';
      subject: string;
      userId: string | null;
      status: 'queued' | 'sent' | 'dead' | 'unconfigured';
      attempts: number;
      nextAttemptAt: string | null;
      lastError: string | null;
      smtpResponse: string | null;
      createdAt: string;
      sentAt: string | null;
      deadAt: string | null;
    }[];
    total: number;
  };
  listMySessions: {
    data: {
      id: string;
      deviceName: string | null;
      platform: string | null;
      ip: string | null;
      createdAt: string;
      lastSeenAt: string;
      expiresAt: string;
      current: boolean;
    }[];
  };
  listOrganizations: {
    data: (
      | {
          id: string;
          name: string;
          kind: 'department' | 'project';
          parentId: string | null;
          description: string | null;
          source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
          externalId: string | null;
          /**
           * The head of the organization (access reviews)
           */
          headId: string | null;
          childrenCount: number;
          /**
           * People whose primary organization this is
           */
          memberCount: number;
          /**
           * People of this organization and of every organization under it
           */
          totalMemberCount: number;
          createdAt: string;
          updatedAt: string;
          version: number;
          depth: number;
          /**
           * Ids from the top of the tree to this node
           */
          path: string[];
          pathNames: string[];
        }
      | {
          id: string;
          name: string;
          kind: 'department' | 'project';
          parentId: string | null;
          description: string | null;
          source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
          externalId: string | null;
          /**
           * The head of the organization (access reviews)
           */
          headId: string | null;
          childrenCount: number;
          /**
           * People whose primary organization this is
           */
          memberCount: number;
          /**
           * People of this organization and of every organization under it
           */
          totalMemberCount: number;
          createdAt: string;
          updatedAt: string;
          version: number;
        }
    )[];
    total: number;
  };
  listReviewCampaigns: {
    data: {
      id: string;
      name: string;
      kind: 'backoffice_rights' | 'space_members';
      organization: {
        id: string;
        name: string;
      } | null;
      reviewerRule: 'organization_head' | 'named';
      reviewer: {
        id: string;
        name: string;
      };
      dueAt: string;
      revokeMode: 'at_once' | 'at_close';
      undecided: 'keep' | 'revoke';
      status: 'open' | 'closed';
      createdBy: {
        id: string;
        name: string;
      } | null;
      createdAt: string;
      closedBy: {
        id: string;
        name: string;
      } | null;
      closedAt: string | null;
      progress: {
        total: number;
        decided: number;
        confirmed: number;
        revoked: number;
        applied: number;
        undecidedAtClose: number;
      };
      reportSha256: string | null;
    }[];
    total: number;
  };
  listReviewItems: {
    data: {
      id: string;
      campaignId: string;
      campaignName: string;
      campaignStatus: 'open' | 'closed';
      dueAt: string;
      kind: 'standing_role' | 'role_grant' | 'space_membership';
      person: {
        id: string;
        name: string;
        username: string | null;
      };
      space: {
        id: string;
        name: string;
      } | null;
      role: string | null;
      organization: {
        id: string;
        name: string;
      } | null;
      reviewer: {
        id: string;
        name: string;
      };
      decision: ('confirm' | 'revoke') | null;
      decidedBy: {
        id: string;
        name: string;
      } | null;
      decidedAt: string | null;
      note: string | null;
      undecidedAtClose: boolean;
      outcome: ('kept' | 'revoked' | 'gone') | null;
      appliedAt: string | null;
    }[];
    total: number;
  };
  listRoleGrants: {
    data: {
      id: string;
      userId: string;
      role: 'staff' | 'admin' | 'auditor';
      scope: {
        id: string;
        name: string;
      }[];
      expiresAt: string | null;
      reason: string;
      grantedById: string | null;
      grantedByName: string | null;
      approvedById: string | null;
      createdAt: string;
      endedAt: string | null;
      endedById: string | null;
      endedByName: string | null;
      endReason: string | null;
      inForce: boolean;
    }[];
    total: number;
  };
  listScheduledChanges: {
    data: {
      id: string;
      userId: string;
      userLabel: string;
      kind: 'activate' | 'deactivate';
      effectiveDate: string;
      effectiveAt: string;
      sourceId: string;
      reason: string | null;
      createdBy: string;
      createdById: string | null;
      createdAt: string;
      updatedAt: string;
      cancelledAt: string | null;
      cancelledBy: string | null;
      firedAt: string | null;
      outcome: ('applied' | 'skipped') | null;
      outcomeReason: string | null;
    }[];
    total: number;
  };
  listScimTokens: {
    data: {
      id: string;
      name: string;
      origin: 'database' | 'config';
      prefix: string | null;
      createdAt: string | null;
      createdBy: string | null;
      lastUsedAt: string | null;
      revokedAt: string | null;
    }[];
    total: number;
  };
  listSpaceMembers: {
    data: {
      userId: string;
      username: string | null;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
      email: string | null;
      status: 'pending' | 'active' | 'suspended' | 'deactivated';
      organizationId: string | null;
      addedAt: string;
      addedById: string | null;
      /**
       * Why the person is in the space: by hand, directory group, HR, SCIM, bulk load
       */
      via: 'manual' | 'directory_group' | 'hr' | 'scim' | 'import';
      /**
       * The source that added the membership, if any
       */
      viaSourceId: string | null;
    }[];
    total: number;
  };
  listSpaces: {
    data: {
      id: string;
      name: string;
      description: string | null;
      organizationId: string | null;
      organizationName: string | null;
      memberCount: number;
      createdAt: string;
      updatedAt: string;
      version: number;
    }[];
    total: number;
  };
  listSyncRuns: {
    data: {
      id: string;
      sourceId: string;
      mode: 'full' | 'incremental' | 'dry-run';
      readMode: string | null;
      status:
        | 'running'
        | 'planned'
        | 'awaiting_approval'
        | 'applying'
        | 'succeeded'
        | 'failed'
        | 'cancelled';
      counts: {
        [k: string]: number;
      };
      cursorBefore: {
        [k: string]: unknown;
      } | null;
      cursorAfter: {
        [k: string]: unknown;
      } | null;
      requestedBy: string;
      requestedById: string | null;
      startedAt: string;
      finishedAt: string | null;
      durationMs: number | null;
      error: string | null;
      errorCode:
        | (
            | 'run_failed'
            | 'run_interrupted'
            | 'run_plan_failed'
            | 'run_read_failed'
            | 'run_superseded'
          )
        | null;
      errorParams: {
        [k: string]: unknown;
      };
      safety: string | null;
      safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
      safetyParams: {
        [k: string]: unknown;
      };
      approvedById: string | null;
      approvedAt: string | null;
      details: {
        [k: string]: unknown;
      };
    }[];
    total: number;
  };
  listUserSessions: {
    data: {
      id: string;
      kind: 'device' | 'backoffice';
      deviceName: string | null;
      platform: string | null;
      ip: string | null;
      userAgent: string | null;
      createdAt: string;
      lastSeenAt: string;
      expiresAt: string;
      revokedAt: string | null;
      revokedReason: string | null;
      live: boolean;
    }[];
    total: number;
  };
  listUsers: {
    data: {
      id: string;
      username: string | null;
      /**
       * The account in the messaging core: assigned with the first login, never reused
       */
      coreAccount: string | null;
      familyName: string;
      givenName: string;
      middleName: string | null;
      /**
       * «Фамилия Имя Отчество»: how the console lists people
       */
      fullName: string;
      displayName: string;
      email: string | null;
      phone: string | null;
      title: string | null;
      organization: {
        id: string;
        name: string;
      } | null;
      status: 'pending' | 'active' | 'suspended' | 'deactivated';
      statusChangedAt: string | null;
      statusChangedBy: {
        id: string;
        displayName: string;
        /**
         * «Фамилия Имя Отчество»
         */
        fullName: string;
      } | null;
      statusReason: string | null;
      loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
      role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
      /**
       * The highest rank in force: standing role and role grants
       */
      rank: number;
      addedBy: {
        id: string;
        displayName: string;
        /**
         * «Фамилия Имя Отчество»
         */
        fullName: string;
      } | null;
      /**
       * Free text: someone outside the directory
       */
      initiatedBy: string | null;
      /**
       * The person of the directory who asked for this one
       */
      initiatedByPerson: {
        id: string;
        displayName: string;
        /**
         * «Фамилия Имя Отчество»
         */
        fullName: string;
      } | null;
      source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
      externalId: string | null;
      sourceId: string | null;
      hrSourceId: string | null;
      employeeNumber: string | null;
      /**
       * YYYY-MM-DD
       */
      hireDate: string | null;
      /**
       * YYYY-MM-DD
       */
      terminationDate: string | null;
      fieldOwners: {
        [k: string]: string;
      };
      lastLoginAt: string | null;
      createdAt: string;
      updatedAt: string;
      version: number;
      invitation?: 'not_invited' | 'invited' | 'held' | 'expired' | 'registered' | 'revoked';
    }[];
    total: number;
    /**
     * `true`: a search matched more than `total` people and counting stopped there, so `total` is a lower bound (ask with `exactTotal=true` for the whole count)
     */
    totalIsEstimate: boolean;
  };
  messengerLogin: {
    next: 'totp' | 'totp_enroll' | 'done';
    /**
     * Send to POST /auth/login/verify
     */
    challenge?: string;
    otpauthUri?: string;
    /**
     * SVG data URL of otpauthUri
     */
    qrCode?: string;
    session?: {
      /**
       * Bearer token for the messenger and the core; shown only once
       */
      token: string;
      sessionId: string;
      expiresAt: string;
      /**
       * The account to sign in to the core as (the XMPP localpart): assigned once, never reused; not always the login
       */
      coreAccount: string;
    };
  };
  messengerLoginCodeRequest: {
    next: 'code';
    /**
     * Send with the code to POST /auth/login/code/verify
     */
    challenge: string;
    expiresAt: string;
  };
  messengerLoginCodeVerify: {
    next: 'totp' | 'totp_enroll' | 'done';
    /**
     * Send to POST /auth/login/verify
     */
    challenge?: string;
    otpauthUri?: string;
    /**
     * SVG data URL of otpauthUri
     */
    qrCode?: string;
    session?: {
      /**
       * Bearer token for the messenger and the core; shown only once
       */
      token: string;
      sessionId: string;
      expiresAt: string;
      /**
       * The account to sign in to the core as (the XMPP localpart): assigned once, never reused; not always the login
       */
      coreAccount: string;
    };
  };
  messengerLoginVerify: {
    /**
     * Bearer token for the messenger and the core; shown only once
     */
    token: string;
    sessionId: string;
    expiresAt: string;
    /**
     * The account to sign in to the core as (the XMPP localpart): assigned once, never reused; not always the login
     */
    coreAccount: string;
    /**
     * One-time recovery codes (xxxx-xxxx-xxxx); shown only once
     *
     * @minItems 10
     * @maxItems 10
     */
    recoveryCodes?: [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
  };
  oidcStart: {
    /**
     * Open in the system browser
     */
    authorizationUrl: string;
    expiresAt: string;
  };
  oidcToken: {
    next: 'totp' | 'totp_enroll' | 'done';
    /**
     * Send to POST /auth/login/verify
     */
    challenge?: string;
    otpauthUri?: string;
    /**
     * SVG data URL of otpauthUri
     */
    qrCode?: string;
    session?: {
      /**
       * Bearer token for the messenger and the core; shown only once
       */
      token: string;
      sessionId: string;
      expiresAt: string;
      /**
       * The account to sign in to the core as (the XMPP localpart): assigned once, never reused; not always the login
       */
      coreAccount: string;
    };
  };
  openInvitation: {
    displayName: string;
    username: string | null;
    locale: 'ru' | 'en';
    passwordMinLength: number;
    secondFactor: {
      otpauthUri: string;
      qrCode: string;
    } | null;
  };
  regenerateRecoveryCodes: {
    /**
     * One-time recovery codes (xxxx-xxxx-xxxx); shown only once
     *
     * @minItems 10
     * @maxItems 10
     */
    recoveryCodes: [string, string, string, string, string, string, string, string, string, string];
  };
  rejectConfigChange: {
    id: string;
    setting: 'directory_source';
    operation: 'create' | 'update' | 'delete';
    targetId: string;
    targetLabel: string | null;
    status: 'pending' | 'applied' | 'rejected' | 'expired' | 'superseded';
    /**
     * The setting before and after the change, and details; secrets redacted
     */
    diff: {
      before?: {
        [k: string]: unknown;
      };
      after?: {
        [k: string]: unknown;
      };
      details?: {
        [k: string]: unknown;
      };
    };
    requestedById: string | null;
    requestedBy: string;
    requestedAt: string;
    expiresAt: string;
    decidedById: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    reason: string | null;
    singleSuperadmin: boolean;
  };
  rejectElevationRequest: {
    id: string;
    requester: {
      id: string;
      displayName: string;
    };
    role: 'staff' | 'admin' | 'auditor';
    scope: {
      id: string;
      name: string;
    }[];
    durationMinutes: number;
    reason: string;
    status: 'pending' | 'approved' | 'rejected' | 'lapsed';
    createdAt: string;
    lapsesAt: string;
    decidedAt: string | null;
    decidedBy: {
      id: string;
      displayName: string;
    } | null;
    decisionReason: string | null;
    grantId: string | null;
    grantExpiresAt: string | null;
  };
  requestElevation: {
    id: string;
    requester: {
      id: string;
      displayName: string;
    };
    role: 'staff' | 'admin' | 'auditor';
    scope: {
      id: string;
      name: string;
    }[];
    durationMinutes: number;
    reason: string;
    status: 'pending' | 'approved' | 'rejected' | 'lapsed';
    createdAt: string;
    lapsesAt: string;
    decidedAt: string | null;
    decidedBy: {
      id: string;
      displayName: string;
    } | null;
    decisionReason: string | null;
    grantId: string | null;
    grantExpiresAt: string | null;
  };
  resendInvitation: {
    userId: string;
    status: 'not_invited' | 'invited' | 'held' | 'expired' | 'registered' | 'revoked';
    locale: ('ru' | 'en') | null;
    firstSentAt: string | null;
    lastSentAt: string | null;
    sentCount: number;
    firstInvitedById: string | null;
    lastInvitedById: string | null;
    expiresAt: string | null;
    remindedAt: string | null;
    heldUntil: string | null;
    registeredAt: string | null;
    revokedAt: string | null;
  };
  resetSecondFactor: {
    deviceSessionsRevoked: number;
    backofficeSessionsRevoked: number;
    factorRemoved: boolean;
    recoveryCodesRemoved: number;
  };
  retryCoreDelivery: {
    id: string;
    connector: string;
    key: string;
    type: string;
    status: 'pending' | 'dead' | 'delivered' | 'skipped';
    payload: {
      [k: string]: unknown;
    };
    createdAt: string;
    attempts: number;
    nextAttemptAt: string | null;
    deliveredAt: string | null;
    deadAt: string | null;
    skippedAt: string | null;
    lastError: string | null;
  };
  revokeAllUserSessions: {
    deviceSessionsRevoked: number;
    backofficeSessionsRevoked: number;
  };
  revokeInvitation: {
    userId: string;
    status: 'not_invited' | 'invited' | 'held' | 'expired' | 'registered' | 'revoked';
    locale: ('ru' | 'en') | null;
    firstSentAt: string | null;
    lastSentAt: string | null;
    sentCount: number;
    firstInvitedById: string | null;
    lastInvitedById: string | null;
    expiresAt: string | null;
    remindedAt: string | null;
    heldUntil: string | null;
    registeredAt: string | null;
    revokedAt: string | null;
  };
  revokeScimToken: {
    id: string;
    name: string;
    origin: 'database' | 'config';
    prefix: string | null;
    createdAt: string | null;
    createdBy: string | null;
    lastUsedAt: string | null;
    revokedAt: string | null;
  };
  sendPasswordReset: {
    sentTo: string;
    expiresAt: string;
  };
  sendTestMail: {
    id: string;
    status: 'queued';
  };
  sessionOidc:
    | {
        next: 'done';
        me: {
          user: {
            id: string;
            username: string | null;
            displayName: string;
            role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
            email: string | null;
          };
          role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
          /**
           * Role grants in force on top of `role` (issue 18): scope and expiry
           */
          grants: {
            role: 'staff' | 'admin' | 'auditor';
            scope: {
              id: string;
              name: string;
            }[];
            expiresAt: string | null;
          }[];
          /**
           * CASL's packed rules of the caller
           */
          rules: unknown[];
          /**
           * Send back in X-CSRF-Token on unsafe requests
           */
          csrfToken: string;
          /**
           * The company's IANA time zone (hr.timeZone): the console shows times in it
           */
          timeZone: string;
        };
      }
    | {
        next: 'totp' | 'totp_enroll';
        otpauthUri?: string;
        /**
         * SVG data URL of otpauthUri
         */
        qrCode?: string;
      };
  sessionOidcStart: {
    authorizationUrl: string;
    expiresAt: string;
  };
  sessionSso: {
    oidc: boolean;
  };
  showInvitationLink: {
    url: string;
    expiresAt: string;
    warning: {
      code: 'link_gives_account';
      message: string;
    };
  };
  skipCoreDelivery: {
    id: string;
    connector: string;
    key: string;
    type: string;
    status: 'pending' | 'dead' | 'delivered' | 'skipped';
    payload: {
      [k: string]: unknown;
    };
    createdAt: string;
    attempts: number;
    nextAttemptAt: string | null;
    deliveredAt: string | null;
    deadAt: string | null;
    skippedAt: string | null;
    lastError: string | null;
  };
  startBulkInvitation: {
    id: string;
    total: number;
  };
  startBulkJob: {
    id: string;
    verb:
      | 'deactivate'
      | 'activate'
      | 'suspend'
      | 'invite'
      | 'move'
      | 'add_to_space'
      | 'remove_from_space';
    status: 'queued' | 'running' | 'cancelled' | 'done' | 'failed';
    requestedBy: {
      id: string;
      label: string;
      /**
       * «Фамилия Имя Отчество» of the requester, now
       */
      fullName: string | null;
    };
    filter: {
      [k: string]: unknown;
    };
    /**
     * The names of the filter's organization, space and adding person, now
     */
    filterNames: {
      organization: string | null;
      space: string | null;
      addedBy: string | null;
    };
    params: {
      reason?: string | null;
      locale?: 'ru' | 'en';
      organizationId?: string;
      /**
       * Moving people: the organization’s name
       */
      organizationName?: string;
      spaceId?: string;
      /**
       * Adding to or removing from a space: the space’s name
       */
      spaceName?: string;
    };
    total: number;
    processed: number;
    ok: number;
    skipped: number;
    failed: number;
    cancelRequested: boolean;
    error: string | null;
    createdAt: string;
    finishedAt: string | null;
  };
  startLogin: {
    next: 'totp' | 'totp_enroll';
    otpauthUri?: string;
    /**
     * SVG data URL of otpauthUri
     */
    qrCode?: string;
  };
  summarizeCoreDeliveries: {
    data: {
      connector: string;
      pending: number;
      dead: number;
      delivered: number;
      skipped: number;
      oldestPendingAt: string | null;
    }[];
  };
  suspendUser: {
    id: string;
    username: string | null;
    /**
     * The account in the messaging core: assigned with the first login, never reused
     */
    coreAccount: string | null;
    familyName: string;
    givenName: string;
    middleName: string | null;
    /**
     * «Фамилия Имя Отчество»: how the console lists people
     */
    fullName: string;
    displayName: string;
    email: string | null;
    phone: string | null;
    title: string | null;
    organization: {
      id: string;
      name: string;
    } | null;
    status: 'pending' | 'active' | 'suspended' | 'deactivated';
    statusChangedAt: string | null;
    statusChangedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    statusReason: string | null;
    loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * The highest rank in force: standing role and role grants
     */
    rank: number;
    addedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    /**
     * Free text: someone outside the directory
     */
    initiatedBy: string | null;
    /**
     * The person of the directory who asked for this one
     */
    initiatedByPerson: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    sourceId: string | null;
    hrSourceId: string | null;
    employeeNumber: string | null;
    /**
     * YYYY-MM-DD
     */
    hireDate: string | null;
    /**
     * YYYY-MM-DD
     */
    terminationDate: string | null;
    fieldOwners: {
      [k: string]: string;
    };
    lastLoginAt: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  suspendUsers: {
    changed: {
      id: string;
      label: string;
      from: 'pending' | 'active' | 'suspended' | 'deactivated';
      to: 'pending' | 'active' | 'suspended' | 'deactivated';
    }[];
    skipped: {
      id: string;
      label: string | null;
      code: string;
      message: string;
    }[];
  };
  syncDirectorySource: {
    id: string;
    sourceId: string;
    mode: 'full' | 'incremental' | 'dry-run';
    readMode: string | null;
    status:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    counts: {
      [k: string]: number;
    };
    cursorBefore: {
      [k: string]: unknown;
    } | null;
    cursorAfter: {
      [k: string]: unknown;
    } | null;
    requestedBy: string;
    requestedById: string | null;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    error: string | null;
    errorCode:
      | (
          | 'run_failed'
          | 'run_interrupted'
          | 'run_plan_failed'
          | 'run_read_failed'
          | 'run_superseded'
        )
      | null;
    errorParams: {
      [k: string]: unknown;
    };
    safety: string | null;
    safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
    safetyParams: {
      [k: string]: unknown;
    };
    approvedById: string | null;
    approvedAt: string | null;
    details: {
      [k: string]: unknown;
    };
  };
  testDirectorySource: {
    ok: boolean;
    steps: {
      step:
        | 'dns'
        | 'tcp'
        | 'tls'
        | 'bind'
        | 'root_dse'
        | 'base_dn'
        | 'filter'
        | 'mapping'
        | 'deletion_detection';
      ok: boolean;
      code:
        | 'dns_resolved'
        | 'dns_ip_address'
        | 'dns_failed'
        | 'dns_timeout'
        | 'tcp_connected'
        | 'tcp_refused'
        | 'tcp_timeout'
        | 'tcp_unreachable'
        | 'tcp_failed'
        | 'tls_not_used'
        | 'tls_established'
        | 'tls_starttls_established'
        | 'tls_unverified'
        | 'tls_certificate_untrusted'
        | 'tls_hostname_mismatch'
        | 'tls_certificate_expired'
        | 'tls_certificate_not_yet_valid'
        | 'tls_ca_unreadable'
        | 'tls_handshake_failed'
        | 'tls_timeout'
        | 'bind_ok'
        | 'bind_no_password'
        | 'bind_invalid_credentials'
        | 'bind_account_disabled'
        | 'bind_strong_auth_required'
        | 'bind_timeout'
        | 'bind_failed'
        | 'root_dse_read'
        | 'root_dse_no_paging'
        | 'root_dse_timeout'
        | 'root_dse_failed'
        | 'base_dn_found'
        | 'base_dns_found'
        | 'base_dn_not_found'
        | 'base_dn_timeout'
        | 'base_dn_failed'
        | 'filter_matched'
        | 'filter_no_match'
        | 'filter_invalid'
        | 'filter_timeout'
        | 'filter_failed'
        | 'mapping_ok'
        | 'mapping_attribute_missing'
        | 'mapping_username_missing'
        | 'mapping_id_missing'
        | 'mapping_failed'
        | 'deletion_detection_permitted'
        | 'deletion_detection_enumeration'
        | 'deletion_detection_not_permitted'
        | 'deletion_detection_timeout'
        | 'deletion_detection_failed'
        | 'skipped';
      message: string;
      params: {
        [k: string]: string | number | boolean | null | string[];
      };
      ms: number;
    }[];
    preview: {
      dn: string;
      externalId: string | null;
      record: {
        username: string | null;
        displayName: string | null;
        email: string | null;
        title: string | null;
        organization: string | null;
      };
      problems: string[];
      notes: {
        code:
          | 'value_control_character'
          | 'value_lone_surrogate'
          | 'value_too_long'
          | 'value_unstageable'
          | 'entry_id_missing'
          | 'import_row'
          | 'import_row_cell'
          | 'invalid_login'
          | 'invalid_email'
          | 'invalid_phone'
          | 'invalid_date'
          | 'value_cut'
          | 'groups_ignored'
          | 'id_shared'
          | 'decision_number_disagree'
          | 'former_number_shared'
          | 'former_number_claimed'
          | 'former_and_match'
          | 'match_many'
          | 'match_claimed'
          | 'login_taken'
          | 'email_taken'
          | 'maybe_same_person'
          | 'maybe_same_person_undecided'
          | 'ignored_same_person'
          | 'left_not_created'
          | 'disabled_not_created'
          | 'left_on'
          | 'disabled_in_source'
          | 'back_from_leave'
          | 'enabled_again'
          | 'on_leave'
          | 'kept_deactivated'
          | 'kept_suspended'
          | 'reconnected_by_decision'
          | 'reconnected_by_number'
          | 'linked_by'
          | 'starts_on'
          | 'leaves_on'
          | 'released_login'
          | 'released_email'
          | 'released_login_email'
          | 'requester_rank'
          | 'requester_scope'
          | 'not_found_in_source'
          | 'not_in_complete_list'
          | 'gone_from_source'
          | 'deleted_in_directory'
          | 'deleted_in_directory_from'
          | 'filter_no_match'
          | 'moved_out_of_base'
          | 'blocked_insufficient_rank'
          | 'blocked_outside_scope'
          | 'blocked_last_superadmin'
          | 'blocked_empty_read'
          | 'blocked_partial_read'
          | 'taken_since_plan'
          | 'changed_since_plan';
        params: {
          [k: string]: unknown;
        };
      }[];
    }[];
  };
  updateDirectorySource: {
    id: string;
    name: string;
    origin: 'config' | 'api';
    kind: 'active-directory' | 'ldap';
    connection:
      | {
          kind: 'active-directory';
          url: string;
          startTls: boolean;
          tls: {
            ca?: string;
            caFile?: string;
            rejectUnauthorized: boolean;
          };
          allowPlain: boolean;
          bindDn: string;
          bindPasswordEnv?: string;
          baseDns: string[];
          timeoutMs: number;
          pageSize: number;
          attributes: {
            username?: (string | [string, ...string[]]) | null;
            givenName?: (string | [string, ...string[]]) | null;
            familyName?: (string | [string, ...string[]]) | null;
            middleName?: (string | [string, ...string[]]) | null;
            displayName?: (string | [string, ...string[]]) | null;
            email?: (string | [string, ...string[]]) | null;
            phone?: (string | [string, ...string[]]) | null;
            title?: (string | [string, ...string[]]) | null;
            department?: (string | [string, ...string[]]) | null;
            employeeId?: (string | [string, ...string[]]) | null;
            groups?: (string | [string, ...string[]]) | null;
          };
          groupBaseDn?: string;
          groupFilter?: string;
          groupMappings: {
            group: string;
            spaces: string[];
            organization: string | null;
          }[];
          nestedGroups: boolean;
          userFilter: string;
          loginAttribute: string;
        }
      | {
          kind: 'ldap';
          url: string;
          startTls: boolean;
          tls: {
            ca?: string;
            caFile?: string;
            rejectUnauthorized: boolean;
          };
          allowPlain: boolean;
          bindDn: string;
          bindPasswordEnv?: string;
          baseDns: string[];
          timeoutMs: number;
          pageSize: number;
          attributes: {
            username?: (string | [string, ...string[]]) | null;
            givenName?: (string | [string, ...string[]]) | null;
            familyName?: (string | [string, ...string[]]) | null;
            middleName?: (string | [string, ...string[]]) | null;
            displayName?: (string | [string, ...string[]]) | null;
            email?: (string | [string, ...string[]]) | null;
            phone?: (string | [string, ...string[]]) | null;
            title?: (string | [string, ...string[]]) | null;
            department?: (string | [string, ...string[]]) | null;
            employeeId?: (string | [string, ...string[]]) | null;
            groups?: (string | [string, ...string[]]) | null;
          };
          groupBaseDn?: string;
          groupFilter?: string;
          groupMappings: {
            group: string;
            spaces: string[];
            organization: string | null;
          }[];
          nestedGroups: boolean;
          userFilter: string;
          loginAttribute: string;
          idAttribute: string;
          lockAttribute: string | null;
        };
    bindPasswordSet: boolean;
    bindPasswordChangedAt: string | null;
    enabled: boolean;
    schedule: {
      incremental: string | null;
      full: string | null;
    };
    thresholds: {
      minShareOfManaged: number;
      maxDeactivationShare: number;
      maxDeactivations: number;
    };
    correlateBy: 'employeeId' | 'email' | 'username';
    reconnect: 'employeeId' | 'never';
    bindPasswordChange: ('set' | 'cleared' | 'cleared_connection_changed') | null;
  };
  updateOrganization: {
    id: string;
    name: string;
    kind: 'department' | 'project';
    parentId: string | null;
    description: string | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    /**
     * The head of the organization (access reviews)
     */
    headId: string | null;
    childrenCount: number;
    /**
     * People whose primary organization this is
     */
    memberCount: number;
    /**
     * People of this organization and of every organization under it
     */
    totalMemberCount: number;
    createdAt: string;
    updatedAt: string;
    version: number;
    parent: {
      id: string;
      name: string;
    } | null;
  };
  updateSpace: {
    id: string;
    name: string;
    description: string | null;
    organizationId: string | null;
    organizationName: string | null;
    memberCount: number;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  updateUser: {
    id: string;
    username: string | null;
    /**
     * The account in the messaging core: assigned with the first login, never reused
     */
    coreAccount: string | null;
    familyName: string;
    givenName: string;
    middleName: string | null;
    /**
     * «Фамилия Имя Отчество»: how the console lists people
     */
    fullName: string;
    displayName: string;
    email: string | null;
    phone: string | null;
    title: string | null;
    organization: {
      id: string;
      name: string;
    } | null;
    status: 'pending' | 'active' | 'suspended' | 'deactivated';
    statusChangedAt: string | null;
    statusChangedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    statusReason: string | null;
    loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    /**
     * The highest rank in force: standing role and role grants
     */
    rank: number;
    addedBy: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    /**
     * Free text: someone outside the directory
     */
    initiatedBy: string | null;
    /**
     * The person of the directory who asked for this one
     */
    initiatedByPerson: {
      id: string;
      displayName: string;
      /**
       * «Фамилия Имя Отчество»
       */
      fullName: string;
    } | null;
    source: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    externalId: string | null;
    sourceId: string | null;
    hrSourceId: string | null;
    employeeNumber: string | null;
    /**
     * YYYY-MM-DD
     */
    hireDate: string | null;
    /**
     * YYYY-MM-DD
     */
    terminationDate: string | null;
    fieldOwners: {
      [k: string]: string;
    };
    lastLoginAt: string | null;
    createdAt: string;
    updatedAt: string;
    version: number;
  };
  uploadImport: {
    id: string;
    sourceId: string;
    mode: 'full' | 'incremental' | 'dry-run';
    readMode: string | null;
    status:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    counts: {
      [k: string]: number;
    };
    cursorBefore: {
      [k: string]: unknown;
    } | null;
    cursorAfter: {
      [k: string]: unknown;
    } | null;
    requestedBy: string;
    requestedById: string | null;
    startedAt: string;
    finishedAt: string | null;
    durationMs: number | null;
    error: string | null;
    errorCode:
      | (
          | 'run_failed'
          | 'run_interrupted'
          | 'run_plan_failed'
          | 'run_read_failed'
          | 'run_superseded'
        )
      | null;
    errorParams: {
      [k: string]: unknown;
    };
    safety: string | null;
    safetyCode: ('safety_approval_needed' | 'safety_empty_read' | 'safety_partial_read') | null;
    safetyParams: {
      [k: string]: unknown;
    };
    approvedById: string | null;
    approvedAt: string | null;
    details: {
      fileName?: string;
      sha256?: string;
      bytes?: number;
      format?: 'csv' | 'xlsx';
      encoding?: string | null;
      delimiter?: string | null;
      /**
       * The first 200 headers
       */
      headers?: string[];
      /**
       * Field → the header that feeds it
       */
      mapping?: {
        fullName?: string;
        familyName?: string;
        givenName?: string;
        middleName?: string;
        title?: string;
        department?: string;
        phone?: string;
        email?: string;
        employeeId?: string;
        hireDate?: string;
        terminationDate?: string;
        suspended?: string;
        username?: string;
      };
      unmappedHeaders?: string[];
      rows?: number;
      /**
       * The first 1,000 row errors, in file order
       */
      rowErrors?: {
        row: number;
        column: string | null;
        /**
         * A registered row error code (imports read before codes existed have none)
         */
        code?:
          | 'cell_count_mismatch'
          | 'control_character'
          | 'duplicate_employee_id'
          | 'employee_id_missing'
          | 'full_name_incomplete'
          | 'invalid_date'
          | 'invalid_email'
          | 'invalid_suspension_mark'
          | 'lone_surrogate'
          | 'name_missing'
          | 'termination_before_hire'
          | 'too_long';
        params?: {
          [k: string]: unknown;
        };
        /**
         * English, for API clients; the console shows the code’s text
         */
        message: string;
      }[];
      rowErrorCount?: number;
      scope?: 'partial' | 'complete';
      /**
       * The worker thread that read the file (never 0)
       */
      parsedInThread?: number;
      /**
       * Rows handed over for staging so far
       */
      progress?: {
        rowsRead: number;
        rows: number;
      };
    };
  };
  verifyAuditEvents: {
    ok: boolean;
    checked: number;
    headSeq: string;
    firstProblem: {
      seq: string;
      problem:
        | 'missing'
        | 'hash_mismatch'
        | 'head_mismatch'
        | 'beyond_head'
        | 'out_of_order'
        | 'checkpoint_mismatch'
        | 'truncated'
        | 'bad_checkpoint'
        | 'bad_signature'
        | 'unknown_key'
        | 'formula_mismatch'
        | 'incomplete_export'
        | 'unsigned_archive'
        | 'unreadable'
        | 'siem_mismatch'
        | 'siem_missing'
        | 'siem_copy_forged'
        | 'siem_conflict'
        | 'siem_bad_line';
      detail: string;
    } | null;
    checkpoints?: {
      records: number;
      lastSeq: string;
      unsignedTail: number;
      restores: number;
      archives: {
        index: number;
        fromSeq: string;
        throughSeq: string;
        bundleSha256: string;
      }[];
      legacyUnchecked: number;
    };
    /**
     * Present when older events were archived: the log starts after throughSeq
     */
    archive?: {
      throughSeq: string;
      throughHash: string;
      bundleSha256: string;
      recordIndex: number | null;
    };
  };
}

/**
 * Each operation’s JSON request body.
 */
export interface ApiBodies {
  activateUser: {
    reason?: string;
  };
  activateUsers: {
    /**
     * @minItems 1
     * @maxItems 1000
     */
    ids: [string, ...string[]];
    reason?: string;
  };
  addSpaceMembers: {
    /**
     * @minItems 1
     * @maxItems 500
     */
    userIds: [string, ...string[]];
  };
  approveElevationRequest: {
    reason?: string;
  };
  authenticateToken: {
    username: string;
    token: string;
  };
  cancelScheduledChange: {
    reason?: string;
  };
  changeLoginMethod: {
    loginMethod: 'password' | 'ldap' | 'oidc' | 'email_code' | 'sms_code';
  };
  changeRole: {
    role: ('staff' | 'admin' | 'auditor' | 'superadmin') | null;
    reason?: string;
  };
  completeEnrollment: {
    token: string;
    password: string;
  };
  completeLogin: {
    code: string;
  };
  completeRegistration: {
    token: string;
    password: string;
    code?: string;
  };
  confirmReviewItems: {
    /**
     * @minItems 1
     * @maxItems 200
     */
    ids: [string, ...string[]];
    note?: string | null;
  };
  confirmSecondFactor: {
    code: string;
  };
  createDirectorySource: {
    id: string;
    name: string;
    /**
     * The connection settings, as a `directorySources` entry of the configuration takes them (without `id`): kind, url, startTls, tls, allowPlain, bindDn, bindPasswordEnv, baseDns, userFilter, loginAttribute, idAttribute, lockAttribute, timeoutMs, pageSize, attributes, groupBaseDn, groupFilter, groupMappings, nestedGroups. Validated as a whole: a problem names its field as `connection.<field>` (e.g. `connection.baseDns.1`).
     */
    connection: {
      /**
       * Where people are searched: 1 to 20 base DNs, each searched and the results merged; none empty, repeated (case-insensitive) or inside another. A person moved from one to another stays in scope; moved outside all of them, they are deactivated by the next incremental run.
       */
      baseDns?: string[] | null;
      /**
       * @deprecated
       * The older spelling of a single base DN, the same as `baseDns: [baseDn]`; give one of the two. Answers show `baseDns` only.
       */
      baseDn?: string | null;
      [k: string]: unknown;
    };
    bindPassword?: string | null;
    enabled?: boolean;
    schedule?: {
      incremental?: string | null;
      full?: string | null;
    };
    thresholds?: {
      minShareOfManaged?: number;
      maxDeactivationShare?: number;
      maxDeactivations?: number;
    };
    correlateBy?: 'employeeId' | 'email' | 'username';
    reconnect?: 'employeeId' | 'never';
  };
  createOrganization: {
    name: string;
    kind: 'department' | 'project';
    parentId?: string | null;
    description?: string | null;
  };
  createReviewCampaign: {
    name: string;
    kind: 'backoffice_rights' | 'space_members';
    organizationId?: string | null;
    reviewerRule: 'organization_head' | 'named';
    reviewerId: string;
    dueAt: string;
    revokeMode?: 'at_once' | 'at_close';
    undecided?: 'keep' | 'revoke';
  };
  createScheduledChange: {
    userId: string;
    kind: 'deactivate';
    date: string;
    reason?: string;
  };
  createScimToken: {
    name: string;
  };
  createSpace: {
    name: string;
    description?: string | null;
    organizationId?: string | null;
  };
  createUser: {
    username?: string | null;
    familyName: string;
    givenName: string;
    middleName?: string | null;
    displayName?: string;
    email?: string | null;
    phone?: string | null;
    title?: string | null;
    organizationId?: string | null;
    initiatedBy?: string | null;
    /**
     * The person of the directory who asked for this one (GET /users to find them)
     */
    initiatedById?: string | null;
    status?: 'pending' | 'active';
  };
  deactivateUser: {
    reason: string;
  };
  deactivateUsers: {
    /**
     * @minItems 1
     * @maxItems 1000
     */
    ids: [string, ...string[]];
    reason: string;
  };
  decideReviewItem: {
    decision: 'confirm' | 'revoke';
    note?: string | null;
  };
  decideSyncRunPlanItem: {
    decision: 'link' | 'create' | 'ignore';
  };
  endRoleGrant: {
    reason?: string;
  };
  enrollSecondFactor: {
    password: string;
  };
  grantRole: {
    role: 'staff' | 'admin' | 'auditor';
    /**
     * @maxItems 100
     */
    scope?: string[];
    expiresAt?: string | null;
    reason?: string;
  };
  introspectToken: {
    token: string;
    token_type_hint?: string;
  };
  inviteUser: {
    locale?: 'ru' | 'en';
  };
  issueEnrollmentLink: {
    reason?: string;
  };
  messengerLogin: {
    username: string;
    password: string;
    device: {
      name: string;
      platform: string;
    };
  };
  messengerLoginCodeRequest: {
    username: string;
    device: {
      name: string;
      platform: string;
    };
    /**
     * Language of the mail or SMS (ru)
     */
    locale?: 'ru' | 'en';
  };
  messengerLoginCodeVerify: {
    challenge: string;
    code: string;
  };
  messengerLoginVerify: {
    challenge: string;
    code?: string;
    recoveryCode?: string;
  };
  oidcStart: {
    device: {
      name: string;
      platform: string;
    };
    /**
     * base64url(SHA-256(verifier)) of a random verifier the app keeps for POST /auth/oidc/token
     */
    clientChallenge: string;
    /**
     * One of sso.oidc.appRedirectUris (the first when omitted)
     */
    appRedirectUri?: string;
  };
  oidcToken: {
    code: string;
    verifier: string;
  };
  openInvitation: {
    token: string;
  };
  regenerateRecoveryCodes: {
    code: string;
  };
  rejectConfigChange: {
    reason: string;
  };
  rejectElevationRequest: {
    reason?: string;
  };
  requestElevation: {
    role: 'staff' | 'admin' | 'auditor';
    /**
     * @maxItems 100
     */
    scope?: string[];
    durationMinutes: number;
    reason?: string;
  };
  resendInvitation: {
    locale?: 'ru' | 'en';
  };
  resetSecondFactor: {
    reason: string;
  };
  revokeAllUserSessions: {
    reason: string;
  };
  revokeInvitation: {
    reason?: string;
  };
  revokeUserSession: {
    reason: string;
  };
  sendPasswordReset: {
    reason?: string;
    locale?: 'ru' | 'en';
  };
  sendTestMail: {
    to: string;
    locale?: 'ru' | 'en';
  };
  sessionOidc: {
    code: string;
  };
  sessionOidcStart: {};
  showInvitationLink: {
    locale?: 'ru' | 'en';
  };
  startBulkInvitation: {
    filter: {
      q?: string;
      organizationId?: string;
      spaceId?: string;
      status?: 'pending' | 'active' | 'suspended' | 'deactivated';
      role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
      source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
      addedBy?: string;
      invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
    };
    locale?: 'ru' | 'en';
  };
  startBulkJob:
    | {
        verb: 'deactivate';
        filter: {
          q?: string;
          organizationId?: string;
          spaceId?: string;
          status?: 'pending' | 'active' | 'suspended' | 'deactivated';
          role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
          source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
          addedBy?: string;
          invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
          exactTotal?: 'true' | 'false';
        };
        reason: string;
      }
    | {
        verb: 'suspend';
        filter: {
          q?: string;
          organizationId?: string;
          spaceId?: string;
          status?: 'pending' | 'active' | 'suspended' | 'deactivated';
          role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
          source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
          addedBy?: string;
          invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
          exactTotal?: 'true' | 'false';
        };
        reason: string;
      }
    | {
        verb: 'activate';
        filter: {
          q?: string;
          organizationId?: string;
          spaceId?: string;
          status?: 'pending' | 'active' | 'suspended' | 'deactivated';
          role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
          source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
          addedBy?: string;
          invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
          exactTotal?: 'true' | 'false';
        };
        reason?: string;
      }
    | {
        verb: 'invite';
        filter: {
          q?: string;
          organizationId?: string;
          spaceId?: string;
          status?: 'pending' | 'active' | 'suspended' | 'deactivated';
          role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
          source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
          addedBy?: string;
          invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
          exactTotal?: 'true' | 'false';
        };
        locale?: 'ru' | 'en';
      }
    | {
        verb: 'move';
        filter: {
          q?: string;
          organizationId?: string;
          spaceId?: string;
          status?: 'pending' | 'active' | 'suspended' | 'deactivated';
          role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
          source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
          addedBy?: string;
          invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
          exactTotal?: 'true' | 'false';
        };
        organizationId: string;
      }
    | {
        verb: 'add_to_space';
        filter: {
          q?: string;
          organizationId?: string;
          spaceId?: string;
          status?: 'pending' | 'active' | 'suspended' | 'deactivated';
          role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
          source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
          addedBy?: string;
          invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
          exactTotal?: 'true' | 'false';
        };
        spaceId: string;
      }
    | {
        verb: 'remove_from_space';
        filter: {
          q?: string;
          organizationId?: string;
          spaceId?: string;
          status?: 'pending' | 'active' | 'suspended' | 'deactivated';
          role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
          source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
          addedBy?: string;
          invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
          exactTotal?: 'true' | 'false';
        };
        spaceId: string;
      };
  startLogin: {
    username: string;
    password: string;
  };
  suspendUser: {
    reason: string;
  };
  suspendUsers: {
    /**
     * @minItems 1
     * @maxItems 1000
     */
    ids: [string, ...string[]];
    reason: string;
  };
  syncDirectorySource: {
    mode?: 'full' | 'incremental' | 'dry-run';
  };
  testDirectorySource: {
    previewLimit?: number;
  };
  updateDirectorySource: {
    name?: string;
    /**
     * The connection settings, as a `directorySources` entry of the configuration takes them (without `id`): kind, url, startTls, tls, allowPlain, bindDn, bindPasswordEnv, baseDns, userFilter, loginAttribute, idAttribute, lockAttribute, timeoutMs, pageSize, attributes, groupBaseDn, groupFilter, groupMappings, nestedGroups. Validated as a whole: a problem names its field as `connection.<field>` (e.g. `connection.baseDns.1`).
     */
    connection?: {
      /**
       * Where people are searched: 1 to 20 base DNs, each searched and the results merged; none empty, repeated (case-insensitive) or inside another. A person moved from one to another stays in scope; moved outside all of them, they are deactivated by the next incremental run.
       */
      baseDns?: string[] | null;
      /**
       * @deprecated
       * The older spelling of a single base DN, the same as `baseDns: [baseDn]`; give one of the two. Answers show `baseDns` only.
       */
      baseDn?: string | null;
      [k: string]: unknown;
    };
    bindPassword?: string | null;
    enabled?: boolean;
    schedule?: {
      incremental?: string | null;
      full?: string | null;
    };
    thresholds?: {
      minShareOfManaged?: number;
      maxDeactivationShare?: number;
      maxDeactivations?: number;
    };
    correlateBy?: 'employeeId' | 'email' | 'username';
    reconnect?: 'employeeId' | 'never';
  };
  updateOrganization: {
    version: number;
    name?: string;
    kind?: 'department' | 'project';
    parentId?: string | null;
    description?: string | null;
    /**
     * The head of the organization, who reviews its access (issue 18)
     */
    headId?: string | null;
  };
  updateSpace: {
    version: number;
    name?: string;
    description?: string | null;
    organizationId?: string | null;
  };
  updateUser: {
    username?: string | null;
    familyName?: string;
    givenName?: string;
    middleName?: string | null;
    displayName?: string;
    email?: string | null;
    phone?: string | null;
    title?: string | null;
    organizationId?: string | null;
    initiatedBy?: string | null;
    initiatedById?: string | null;
    version: number;
  };
}

/**
 * Each operation’s query parameters.
 */
export interface ApiQueries {
  applyImport: {
    wait?: 'true' | 'false';
  };
  approveSyncRun: {
    wait?: 'true' | 'false';
  };
  exportAccessView: {
    /**
     * Fragment of a name, email or login
     */
    q?: string;
    /**
     * Only people of this organization and its subtree
     */
    organizationId?: string;
    /**
     * Idle for at least this many days (dormant, unused-backoffice)
     */
    days?: number;
    sort?: 'name' | 'idle';
    order?: 'asc' | 'desc';
    lang?: 'ru' | 'en';
  };
  exportAuditEvents: {
    actorId?: string;
    /**
     * One action or a comma-separated list
     */
    action?: string;
    targetId?: string;
    targetType?: string;
    outcome?: 'success' | 'denied' | 'failure';
    /**
     * Events at or after this instant (ISO 8601)
     */
    from?: string;
    /**
     * Events at or before this instant (ISO 8601)
     */
    to?: string;
    format?: 'csv' | 'ndjson';
  };
  exportPersonAccess: {
    lang?: 'ru' | 'en';
    via?: 'manual' | 'directory_group' | 'hr' | 'scim' | 'import';
  };
  exportSpaceMembers: {
    lang?: 'ru' | 'en';
    via?: 'manual' | 'directory_group' | 'hr' | 'scim' | 'import';
  };
  exportUsers: {
    q?: string;
    organizationId?: string;
    spaceId?: string;
    status?: 'pending' | 'active' | 'suspended' | 'deactivated';
    role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
    source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    addedBy?: string;
    invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
    exactTotal?: 'true' | 'false';
    format?: 'csv' | 'xlsx';
    lang?: 'ru' | 'en';
  };
  getBulkJobReport: {
    lang?: 'ru' | 'en';
  };
  getImportPlan: {
    action?:
      'create' | 'update' | 'deactivate' | 'suspend' | 'reactivate' | 'conflict' | 'unchanged';
    q?: string;
    offset?: number;
    limit?: number;
  };
  getInvitationBatch: {
    offset?: number;
    limit?: number;
  };
  getPersonAccess: {
    via?: 'manual' | 'directory_group' | 'hr' | 'scim' | 'import';
    offset?: number;
    limit?: number;
  };
  getReviewReport: {
    format?: 'json' | 'csv';
  };
  getStatistics: {
    weeks?: number;
  };
  getSyncRunPlan: {
    action?:
      'create' | 'update' | 'deactivate' | 'suspend' | 'reactivate' | 'conflict' | 'unchanged';
    q?: string;
    offset?: number;
    limit?: number;
  };
  listAccessView: {
    /**
     * Fragment of a name, email or login
     */
    q?: string;
    /**
     * Only people of this organization and its subtree
     */
    organizationId?: string;
    /**
     * Idle for at least this many days (dormant, unused-backoffice)
     */
    days?: number;
    sort?: 'name' | 'idle';
    order?: 'asc' | 'desc';
    offset?: number;
    limit?: number;
  };
  listAuditEvents: {
    actorId?: string;
    /**
     * One action or a comma-separated list
     */
    action?: string;
    targetId?: string;
    targetType?: string;
    outcome?: 'success' | 'denied' | 'failure';
    /**
     * Events at or after this instant (ISO 8601)
     */
    from?: string;
    /**
     * Events at or before this instant (ISO 8601)
     */
    to?: string;
    /**
     * Continue after this event (the nextCursor of the previous page)
     */
    cursor?: string;
    offset?: number;
    limit?: number;
  };
  listBackofficeAccounts: {
    q?: string;
    organizationId?: string;
    spaceId?: string;
    status?: 'pending' | 'active' | 'suspended' | 'deactivated';
    role?: 'staff' | 'admin' | 'auditor' | 'superadmin';
    source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    addedBy?: string;
    invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
    exactTotal?: 'true' | 'false';
    sort?: 'name' | 'createdAt' | 'status' | 'updatedAt';
    order?: 'asc' | 'desc';
    offset?: number;
    limit?: number;
  };
  listBulkJobs: {
    status?: 'queued' | 'running' | 'cancelled' | 'done' | 'failed';
    verb?:
      | 'deactivate'
      | 'activate'
      | 'suspend'
      | 'invite'
      | 'move'
      | 'add_to_space'
      | 'remove_from_space';
    offset?: number;
    limit?: number;
  };
  listConfigChanges: {
    status?: 'pending' | 'applied' | 'rejected' | 'expired' | 'superseded';
    setting?: 'directory_source';
    targetId?: string;
    offset?: number;
    limit?: number;
  };
  listCoreDeliveries: {
    status?: 'pending' | 'dead' | 'delivered' | 'skipped';
    connector?: string;
    key?: string;
    offset?: number;
    limit?: number;
  };
  listElevationRequests: {
    status?: 'pending' | 'approved' | 'rejected' | 'lapsed';
    mine?: 'true' | 'false';
    offset?: number;
    limit?: number;
  };
  listImports: {
    status?:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    offset?: number;
    limit?: number;
  };
  listMailMessages: {
    status?: 'queued' | 'sent' | 'dead' | 'unconfigured';
    offset?: number;
    limit?: number;
  };
  listOrganizations: {
    /**
     * Name fragment (case-insensitive, ё = е)
     */
    q?: string;
    /**
     * Children of this organization; `root` for top-level ones
     */
    parentId?: string | 'root';
    kind?: 'department' | 'project';
    /**
     * The whole tree (or the subtree under parentId) depth-first with depth and path; ignores offset/limit; at most 10000 nodes
     */
    tree?: 'true' | 'false';
    offset?: number;
    limit?: number;
  };
  listReviewCampaigns: {
    status?: 'open' | 'closed';
    offset?: number;
    limit?: number;
  };
  listReviewItems: {
    campaignId?: string;
    mine?: 'true' | 'false';
    state?: 'undecided' | 'decided' | 'all';
    /**
     * A fragment of the person's or the space's name
     */
    q?: string;
    offset?: number;
    limit?: number;
  };
  listScheduledChanges: {
    state?: 'live' | 'fired' | 'cancelled' | 'all';
    userId?: string;
    kind?: 'activate' | 'deactivate';
    offset?: number;
    limit?: number;
  };
  listSpaceMembers: {
    /**
     * Fragment of a member’s name, email or username
     */
    q?: string;
    /**
     * Only members added this way
     */
    via?: 'manual' | 'directory_group' | 'hr' | 'scim' | 'import';
    offset?: number;
    limit?: number;
  };
  listSpaces: {
    /**
     * Name fragment (case-insensitive, ё = е)
     */
    q?: string;
    organizationId?: string;
    offset?: number;
    limit?: number;
  };
  listSyncRuns: {
    sourceId?: string;
    status?:
      | 'running'
      | 'planned'
      | 'awaiting_approval'
      | 'applying'
      | 'succeeded'
      | 'failed'
      | 'cancelled';
    offset?: number;
    limit?: number;
  };
  listUserSessions: {
    offset?: number;
    limit?: number;
  };
  listUsers: {
    q?: string;
    organizationId?: string;
    spaceId?: string;
    status?: 'pending' | 'active' | 'suspended' | 'deactivated';
    role?: 'staff' | 'admin' | 'auditor' | 'superadmin' | 'none';
    source?: 'manual' | 'import' | 'ad' | 'hr' | 'scim';
    addedBy?: string;
    invitation?: 'invited_not_registered' | 'not_invited' | 'registered' | 'expired';
    exactTotal?: 'true' | 'false';
    sort?: 'name' | 'createdAt' | 'status' | 'updatedAt';
    order?: 'asc' | 'desc';
    offset?: number;
    limit?: number;
  };
  oidcStartRedirect: {
    deviceName: string;
    platform: string;
    /**
     * base64url(SHA-256(verifier)) of a random verifier the app keeps for POST /auth/oidc/token
     */
    clientChallenge: string;
    /**
     * One of sso.oidc.appRedirectUris (the first when omitted)
     */
    appRedirectUri?: string;
  };
  syncDirectorySource: {
    wait?: 'true' | 'false';
  };
}

/**
 * Each operation’s method and path below /api/v1 (`{name}` is a path parameter).
 */
export const API_OPERATIONS = {
  activateUser: { method: 'POST', path: '/users/{id}/activate' },
  activateUsers: { method: 'POST', path: '/users/bulk/activate' },
  addSpaceMembers: { method: 'POST', path: '/spaces/{id}/members' },
  applyImport: { method: 'POST', path: '/imports/{id}/apply' },
  approveConfigChange: { method: 'POST', path: '/config-changes/{id}/approve' },
  approveDeliveryAddress: { method: 'POST', path: '/users/{id}/delivery-address/approve' },
  approveElevationRequest: { method: 'POST', path: '/elevation-requests/{id}/approve' },
  approveInvitation: { method: 'POST', path: '/users/{id}/invitation/approve' },
  approveSyncRun: { method: 'POST', path: '/sync-runs/{id}/approve' },
  authenticateToken: { method: 'POST', path: '/core/authenticate' },
  cancelBulkJob: { method: 'POST', path: '/bulk-jobs/{id}/cancel' },
  cancelScheduledChange: { method: 'POST', path: '/scheduled-changes/{id}/cancel' },
  cancelSyncRun: { method: 'POST', path: '/sync-runs/{id}/cancel' },
  changeLoginMethod: { method: 'PUT', path: '/users/{id}/login-method' },
  changeRole: { method: 'PUT', path: '/users/{id}/role' },
  closeReviewCampaign: { method: 'POST', path: '/reviews/campaigns/{id}/close' },
  completeEnrollment: { method: 'POST', path: '/enrollment' },
  completeLogin: { method: 'POST', path: '/session/totp' },
  completeRegistration: { method: 'POST', path: '/invitations/register' },
  confirmReviewItems: { method: 'POST', path: '/reviews/items/confirm' },
  confirmSecondFactor: { method: 'POST', path: '/auth/2fa/confirm' },
  createDirectorySource: { method: 'POST', path: '/directory-sources' },
  createOrganization: { method: 'POST', path: '/organizations' },
  createReviewCampaign: { method: 'POST', path: '/reviews/campaigns' },
  createScheduledChange: { method: 'POST', path: '/scheduled-changes' },
  createScimToken: { method: 'POST', path: '/scim-tokens' },
  createSpace: { method: 'POST', path: '/spaces' },
  createUser: { method: 'POST', path: '/users' },
  deactivateUser: { method: 'POST', path: '/users/{id}/deactivate' },
  deactivateUsers: { method: 'POST', path: '/users/bulk/deactivate' },
  decideReviewItem: { method: 'POST', path: '/reviews/items/{id}/decision' },
  decideSyncRunPlanItem: { method: 'POST', path: '/sync-runs/{id}/plan/{seq}/decision' },
  deleteDirectorySource: { method: 'DELETE', path: '/directory-sources/{id}' },
  deleteOrganization: { method: 'DELETE', path: '/organizations/{id}' },
  deleteSpace: { method: 'DELETE', path: '/spaces/{id}' },
  discardImport: { method: 'POST', path: '/imports/{id}/discard' },
  endRoleGrant: { method: 'POST', path: '/users/{id}/grants/{grantId}/end' },
  enrollSecondFactor: { method: 'POST', path: '/auth/2fa/enroll' },
  exportAccessView: { method: 'GET', path: '/access/{view}/export' },
  exportAuditEvents: { method: 'GET', path: '/audit-events/export' },
  exportPersonAccess: { method: 'GET', path: '/users/{id}/access/export' },
  exportSpaceMembers: { method: 'GET', path: '/spaces/{id}/members/export' },
  exportUsers: { method: 'GET', path: '/users/export' },
  getAuditEvent: { method: 'GET', path: '/audit-events/{seq}' },
  getBulkJob: { method: 'GET', path: '/bulk-jobs/{id}' },
  getBulkJobReport: { method: 'GET', path: '/bulk-jobs/{id}/report' },
  getConfigChange: { method: 'GET', path: '/config-changes/{id}' },
  getDirectorySource: { method: 'GET', path: '/directory-sources/{id}' },
  getElevationRequest: { method: 'GET', path: '/elevation-requests/{id}' },
  getHeldAddresses: { method: 'GET', path: '/users/{id}/delivery-address' },
  getImport: { method: 'GET', path: '/imports/{id}' },
  getImportPlan: { method: 'GET', path: '/imports/{id}/plan' },
  getInvitation: { method: 'GET', path: '/users/{id}/invitation' },
  getInvitationBatch: { method: 'GET', path: '/invitation-batches/{id}' },
  getMailSettings: { method: 'GET', path: '/mail/settings' },
  getMe: { method: 'GET', path: '/me' },
  getMyElevation: { method: 'GET', path: '/me/elevation' },
  getOrganization: { method: 'GET', path: '/organizations/{id}' },
  getPersonAccess: { method: 'GET', path: '/users/{id}/access' },
  getReviewCampaign: { method: 'GET', path: '/reviews/campaigns/{id}' },
  getReviewReport: { method: 'GET', path: '/reviews/campaigns/{id}/report' },
  getSiemStatus: { method: 'GET', path: '/audit/siem' },
  getSpace: { method: 'GET', path: '/spaces/{id}' },
  getStatistics: { method: 'GET', path: '/statistics' },
  getStatusHistory: { method: 'GET', path: '/users/{id}/status-history' },
  getSyncRun: { method: 'GET', path: '/sync-runs/{id}' },
  getSyncRunPlan: { method: 'GET', path: '/sync-runs/{id}/plan' },
  getUser: { method: 'GET', path: '/users/{id}' },
  grantRole: { method: 'POST', path: '/users/{id}/grants' },
  introspectToken: { method: 'POST', path: '/core/introspect' },
  inviteUser: { method: 'POST', path: '/users/{id}/invitation' },
  issueEnrollmentLink: { method: 'POST', path: '/users/{id}/enrollment-link' },
  listAccessView: { method: 'GET', path: '/access/{view}' },
  listAuditEvents: { method: 'GET', path: '/audit-events' },
  listBackofficeAccounts: { method: 'GET', path: '/backoffice-accounts' },
  listBulkJobs: { method: 'GET', path: '/bulk-jobs' },
  listConfigChanges: { method: 'GET', path: '/config-changes' },
  listCoreDeliveries: { method: 'GET', path: '/core/deliveries' },
  listDirectorySources: { method: 'GET', path: '/directory-sources' },
  listElevationRequests: { method: 'GET', path: '/elevation-requests' },
  listImports: { method: 'GET', path: '/imports' },
  listMailMessages: { method: 'GET', path: '/mail/messages' },
  listMySessions: { method: 'GET', path: '/auth/sessions' },
  listOrganizations: { method: 'GET', path: '/organizations' },
  listReviewCampaigns: { method: 'GET', path: '/reviews/campaigns' },
  listReviewItems: { method: 'GET', path: '/reviews/items' },
  listRoleGrants: { method: 'GET', path: '/users/{id}/grants' },
  listScheduledChanges: { method: 'GET', path: '/scheduled-changes' },
  listScimTokens: { method: 'GET', path: '/scim-tokens' },
  listSpaceMembers: { method: 'GET', path: '/spaces/{id}/members' },
  listSpaces: { method: 'GET', path: '/spaces' },
  listSyncRuns: { method: 'GET', path: '/sync-runs' },
  listUserSessions: { method: 'GET', path: '/users/{id}/sessions' },
  listUsers: { method: 'GET', path: '/users' },
  logout: { method: 'DELETE', path: '/session' },
  messengerLogin: { method: 'POST', path: '/auth/login' },
  messengerLoginCodeRequest: { method: 'POST', path: '/auth/login/code' },
  messengerLoginCodeVerify: { method: 'POST', path: '/auth/login/code/verify' },
  messengerLoginVerify: { method: 'POST', path: '/auth/login/verify' },
  messengerLogout: { method: 'POST', path: '/auth/logout' },
  oidcCallback: { method: 'GET', path: '/auth/oidc/callback' },
  oidcStart: { method: 'POST', path: '/auth/oidc/start' },
  oidcStartRedirect: { method: 'GET', path: '/auth/oidc/start' },
  oidcToken: { method: 'POST', path: '/auth/oidc/token' },
  openInvitation: { method: 'POST', path: '/invitations/open' },
  regenerateRecoveryCodes: { method: 'POST', path: '/auth/recovery-codes' },
  rejectConfigChange: { method: 'POST', path: '/config-changes/{id}/reject' },
  rejectElevationRequest: { method: 'POST', path: '/elevation-requests/{id}/reject' },
  removeSpaceMember: { method: 'DELETE', path: '/spaces/{id}/members/{userId}' },
  requestElevation: { method: 'POST', path: '/elevation-requests' },
  resendInvitation: { method: 'POST', path: '/users/{id}/invitation/resend' },
  resetSecondFactor: { method: 'POST', path: '/users/{id}/2fa/reset' },
  retryCoreDelivery: { method: 'POST', path: '/core/deliveries/{id}/retry' },
  revokeAllUserSessions: { method: 'POST', path: '/users/{id}/sessions/revoke-all' },
  revokeInvitation: { method: 'POST', path: '/users/{id}/invitation/revoke' },
  revokeMySession: { method: 'DELETE', path: '/auth/sessions/{id}' },
  revokeScimToken: { method: 'DELETE', path: '/scim-tokens/{id}' },
  revokeUserSession: { method: 'POST', path: '/users/{id}/sessions/{sessionId}/revoke' },
  sendPasswordReset: { method: 'POST', path: '/users/{id}/password-reset' },
  sendTestMail: { method: 'POST', path: '/mail/test' },
  sessionOidc: { method: 'POST', path: '/session/oidc' },
  sessionOidcStart: { method: 'POST', path: '/session/oidc/start' },
  sessionSso: { method: 'GET', path: '/session/sso' },
  showInvitationLink: { method: 'POST', path: '/users/{id}/invitation/link' },
  skipCoreDelivery: { method: 'POST', path: '/core/deliveries/{id}/skip' },
  startBulkInvitation: { method: 'POST', path: '/invitation-batches' },
  startBulkJob: { method: 'POST', path: '/bulk-jobs' },
  startLogin: { method: 'POST', path: '/session' },
  summarizeCoreDeliveries: { method: 'GET', path: '/core/deliveries/summary' },
  suspendUser: { method: 'POST', path: '/users/{id}/suspend' },
  suspendUsers: { method: 'POST', path: '/users/bulk/suspend' },
  syncDirectorySource: { method: 'POST', path: '/directory-sources/{id}/sync' },
  testDirectorySource: { method: 'POST', path: '/directory-sources/{id}/test' },
  updateDirectorySource: { method: 'PATCH', path: '/directory-sources/{id}' },
  updateOrganization: { method: 'PATCH', path: '/organizations/{id}' },
  updateSpace: { method: 'PATCH', path: '/spaces/{id}' },
  updateUser: { method: 'PATCH', path: '/users/{id}' },
  uploadImport: { method: 'POST', path: '/imports' },
  verifyAuditEvents: { method: 'POST', path: '/audit-events/verify' },
} as const;
