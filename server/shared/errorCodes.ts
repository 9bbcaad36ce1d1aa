/**
 * Every problem code the service can answer with, and every code a field error, an import row
 * error or a sync run error can carry, each with the names of the parameters its message is
 * filled with. `AppError` takes only these codes (a new one cannot be thrown unregistered), the
 * problem body's `params` holds these names, and the console translates every key here
 * (test/errors/registry.test.ts fails otherwise). Keep the lists sorted within their group.
 */

/** Codes of whole problems (the `code` of a problem+json answer). */
export const PROBLEM_CODES = {
  // Requests the HTTP layer refuses.
  headers_too_large: [],
  internal: [],
  invalid_path: [],
  invalid_reference: [],
  initiator_not_found: [],
  invalid_text: [],
  invalid_value: [],
  malformed_json: [],
  malformed_multipart: [],
  malformed_request: [],
  malformed_uri: [],
  method_not_allowed: [],
  not_found: ['what'],
  not_ready: [],
  payload_too_large: [],
  request_timeout: [],
  route_not_found: [],
  unknown_field: ['fields'],
  unsupported_media_type: [],
  upload_too_complex: [],
  validation_failed: ['fields'],
  // Who may do what.
  core_key_invalid: [],
  csrf_failed: [],
  device_session_invalid: [],
  forbidden: [],
  forbidden_filter: [],
  scim_forbidden: [],
  second_approver_required: [],
  unauthenticated: [],
  // Signing in, enrollment, invitations, second factor, SSO.
  directory_unavailable: ['retryAfterSeconds'],
  enrollment_link_expired: [],
  enrollment_link_invalid: [],
  enrollment_link_revoked: [],
  enrollment_link_used: [],
  enrollment_not_started: [],
  invalid_code: ['attemptsLeft'],
  invalid_credentials: [],
  invitation_expired: [],
  invitation_invalid: [],
  invitation_not_applicable: [],
  invitation_revoked: [],
  invitation_used: [],
  login_challenge_invalid: [],
  login_method_not_password: [],
  no_second_factor: [],
  oidc_code_invalid: [],
  oidc_not_allowed: [],
  oidc_redirect_not_allowed: [],
  oidc_state_invalid: [],
  password_incorrect: [],
  password_rejected: ['minLength', 'maxLength'],
  second_factor_exists: [],
  second_factor_required: [],
  sso_mfa_required: [],
  sso_not_configured: [],
  sso_unavailable: ['retryAfterSeconds'],
  too_many_attempts: ['retryAfterSeconds'],
  account_locked: ['retryAfterSeconds'],
  busy: ['retryAfterSeconds'],
  session_expired: [],
  session_idle: [],
  session_no_access: [],
  session_revoked: [],
  session_unknown: [],
  wrong_code: ['attemptsLeft'],
  // People, their status, credentials and invitations.
  address_held: ['heldUntil'],
  already_active: [],
  already_deactivated: [],
  already_exists: ['field'],
  already_invited: [],
  already_registered: [],
  already_revoked: [],
  already_scheduled: [],
  already_suspended: [],
  date_in_past: ['date', 'timeZone'],
  last_superadmin: [],
  mail_configured: [],
  mail_not_configured: [],
  no_email: [],
  no_phone: [],
  not_dead: [],
  not_held: [],
  not_invited: [],
  not_registered: [],
  reason_required: [],
  scheduled_change_not_live: [],
  sms_not_configured: [],
  source_owned_field: ['fields'],
  kept_by_hand: [],
  not_eligible: [],
  too_many_people: [],
  user_deactivated: [],
  user_suspended: [],
  version_conflict: [],
  // Organizations and spaces.
  organization_cycle: [],
  organization_not_empty: ['children', 'people'],
  organization_not_found: [],
  login_method_unavailable: [],
  job_finished: [],
  grant_ended: [],
  // Elevation requests (issue 18): decided already, or lapsed by the clock.
  elevation_decided: [],
  elevation_lapsed: [],
  // Access reviews (issue 18).
  review_closed: [],
  review_decided: [],
  review_not_closed: [],
  review_own_item: [],
  parent_not_found: [],
  source_owned: ['source'],
  source_owned_attribute: ['fields'],
  unknown_users: [],
  // Directory sources, sync runs, HR imports, demo data.
  bind_password_conflict: [],
  // Dual control of sensitive configuration (issue 18, scope 3).
  config_change_decided: [],
  config_change_expired: [],
  config_change_stale: [],
  cell_too_long: ['row', 'column', 'max'],
  demo_already_seeded: [],
  empty_file: [],
  file_missing: [],
  file_too_large: ['maxBytes'],
  import_too_slow: ['max'],
  malformed_csv: [],
  mapping_header_not_found: ['field', 'header'],
  missing_columns: ['missing'],
  no_proposal: [],
  no_rows: [],
  not_awaiting_approval: [],
  not_planned: [],
  proposal_outdated: [],
  reserved_source_id: [],
  run_finished: [],
  source_defined_in_config: [],
  source_enabled: [],
  sync_already_running: [],
  too_many_columns: ['row', 'found', 'max'],
  too_many_rows: ['found', 'max'],
  uncompressed_too_large: ['max'],
  unexpected_file: [],
  unreadable_csv: [],
  unreadable_spreadsheet: [],
} as const satisfies Record<string, readonly string[]>;

/**
 * Codes of one field's problem (an entry of a problem's `errors`, with its JSON pointer): the
 * kinds of zod issues, and the service's own checks of one value.
 */
export const FIELD_CODES = {
  already_exists: ['field'],
  base_dn_conflict: [],
  ca_conflict: [],
  duplicate_base_dn: ['other'],
  ldaps_already_tls: [],
  nested_base_dn: ['other'],
  plain_ldap_refused: [],
  control_character: [],
  invalid: [],
  invalid_date: [],
  invalid_email: [],
  invalid_format: ['format'],
  invalid_phone: [],
  invalid_ldap_url: [],
  invalid_source_id: [],
  initiator_not_found: [],
  invalid_type: ['expected'],
  invalid_uuid: [],
  invalid_value: ['values'],
  lone_surrogate: [],
  must_be_future: [],
  must_be_later: [],
  unknown_organization: [],
  password_is_username: [],
  password_too_long: ['maximum'],
  password_too_short: ['minimum'],
  required: [],
  too_big: ['maximum'],
  too_few_items: ['minimum'],
  too_long: ['maximum'],
  too_many_items: ['maximum'],
  too_short: ['minimum'],
  too_small: ['minimum'],
  unknown_field: [],
  wrong_code: [],
} as const satisfies Record<string, readonly string[]>;

/** Codes of an HR import's rejected row (stored in the run's details with their params). */
export const ROW_CODES = {
  cell_count_mismatch: ['cells', 'headers'],
  control_character: [],
  duplicate_employee_id: ['employeeId', 'rows'],
  employee_id_missing: [],
  full_name_incomplete: ['value'],
  invalid_date: ['value'],
  invalid_email: ['value'],
  invalid_suspension_mark: ['value'],
  lone_surrogate: [],
  name_missing: [],
  termination_before_hire: ['terminationDate', 'hireDate'],
  too_long: ['max'],
} as const satisfies Record<string, readonly string[]>;

/** Codes of a failed or cancelled sync run (stored beside the run's English `error`). */
export const RUN_ERROR_CODES = {
  run_failed: ['reason'],
  run_interrupted: [],
  run_plan_failed: ['reason'],
  run_read_failed: ['reason'],
  run_superseded: ['runId'],
} as const satisfies Record<string, readonly string[]>;

/** Why a run's plan is held back (stored beside the run's English `safety`). */
export const SAFETY_CODES = {
  safety_approval_needed: ['deactivations', 'limit'],
  safety_empty_read: ['managed'],
  safety_partial_read: ['read', 'share', 'managed'],
} as const satisfies Record<string, readonly string[]>;

/**
 * Notes of a sync or import plan's item (`notes`, `blockedNote`, `outcomeNote` of the plan API),
 * stored with their params beside the English `reason`, `blocked` and `outcome_reason` that the
 * audit, the CLI and older clients read. `attribute` names one of the person's attributes
 * (`externalId`, `employeeId`, `email`, …) and `key` a correlation key (`employeeId`, `email`,
 * `username`); the console shows both as words. `value` is the refused value as JSON quotes it.
 */
export const PLAN_NOTE_CODES = {
  // An entry the engine cannot use as it is (the item is a conflict of its own).
  value_control_character: ['attribute', 'value'],
  value_lone_surrogate: ['attribute', 'value'],
  value_too_long: ['attribute', 'value', 'max', 'length'],
  value_unstageable: ['attribute'],
  entry_id_missing: ['attribute'],
  import_row: ['row', 'error'],
  import_row_cell: ['row', 'column', 'error'],
  // Values dropped or repaired (the entry is still synced without them).
  invalid_login: ['value'],
  invalid_email: ['value'],
  invalid_phone: ['value'],
  invalid_date: ['attribute', 'value'],
  value_cut: ['attribute', 'from', 'to'],
  groups_ignored: ['smart_count'],
  // Conflicts in matching an entry to a person.
  id_shared: ['count', 'externalId'],
  decision_number_disagree: ['employeeId'],
  former_number_shared: ['count', 'employeeId'],
  former_number_claimed: ['count', 'employeeId'],
  former_and_match: ['employeeId', 'key'],
  match_many: ['count', 'key'],
  match_claimed: ['count', 'key'],
  login_taken: ['value'],
  email_taken: ['value'],
  maybe_same_person: ['label', 'date'],
  maybe_same_person_undecided: ['label', 'date'],
  ignored_same_person: ['label', 'date'],
  // What the source says of the person's status, and how the entry was matched.
  left_not_created: ['date'],
  disabled_not_created: [],
  left_on: ['date'],
  disabled_in_source: [],
  back_from_leave: [],
  enabled_again: [],
  on_leave: [],
  kept_deactivated: [],
  kept_suspended: [],
  reconnected_by_decision: ['was'],
  reconnected_by_number: ['employeeId', 'was'],
  linked_by: ['key'],
  starts_on: ['date'],
  leaves_on: ['date'],
  released_login: ['login', 'label', 'date'],
  released_email: ['email', 'label', 'date'],
  released_login_email: ['login', 'email', 'label', 'date'],
  requester_rank: [],
  // Issue 18: the person, or where they would land, is outside the requester's organizations.
  requester_scope: [],
  // People the read no longer returns.
  not_found_in_source: [],
  not_in_complete_list: [],
  gone_from_source: [],
  deleted_in_directory: [],
  deleted_in_directory_from: ['parent'],
  filter_no_match: [],
  moved_out_of_base: ['dn'],
  // Why an item is held back (blockedNote).
  blocked_insufficient_rank: [],
  blocked_outside_scope: [],
  blocked_last_superadmin: [],
  blocked_empty_read: ['managed'],
  blocked_partial_read: ['read', 'share', 'managed'],
  // Why an applied item did not take (outcomeNote).
  taken_since_plan: [],
  changed_since_plan: [],
} as const satisfies Record<string, readonly string[]>;

/** A registered problem code. */
export type ErrorCode = keyof typeof PROBLEM_CODES;
/** A registered field error code. */
export type FieldCode = keyof typeof FIELD_CODES;
/** A registered import row error code. */
export type RowCode = keyof typeof ROW_CODES;
/** A registered sync run error code. */
export type RunErrorCode = keyof typeof RUN_ERROR_CODES;
/** A registered safety code of a run. */
export type SafetyCode = keyof typeof SAFETY_CODES;
/** A registered plan note code. */
export type PlanNoteCode = keyof typeof PLAN_NOTE_CODES;

/** One note of a plan item: a registered code and the values its message is filled with. */
export interface PlanNote {
  code: PlanNoteCode;
  params: Record<string, unknown>;
}

/** Whether `code` is a registered field code (a zod custom issue's `params.code`). */
export function isFieldCode(code: unknown): code is FieldCode {
  return typeof code === 'string' && Object.hasOwn(FIELD_CODES, code);
}

/** Whether `code` is a registered problem code (for codes read back from a worker or a file). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(PROBLEM_CODES, code);
}
