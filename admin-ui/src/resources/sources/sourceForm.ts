import type {
  DirectorySourceRecord,
  GroupMapping,
  SourceBody,
  SourceConnection,
  SyncAttributeField,
} from '../../api/syncTypes';

/** How the connection is protected: the schema's `ldaps://`, StartTLS, or explicit plain. */
export type TlsMode = 'ldaps' | 'starttls' | 'plain';

/** One row of the attribute mapping in the form: attributes comma-separated, empty = nothing. */
export interface AttributeRow {
  field: SyncAttributeField;
  attributes: string;
}

/** One base DN row in the form (react-admin's ArrayInput edits lists of objects). */
export interface BaseDnRow {
  dn: string;
}

/** One group mapping row in the form: spaces comma-separated. */
export interface GroupMappingRow {
  group: string;
  spaces: string;
  organization: string;
}

/** The values of the source form (the record's shape where it can be, rows where lists are). */
export interface SourceFormValues {
  id: string;
  name: string;
  enabled: boolean;
  correlateBy: DirectorySourceRecord['correlateBy'];
  reconnect: DirectorySourceRecord['reconnect'];
  schedule: { incremental: string | null; full: string | null };
  thresholds: DirectorySourceRecord['thresholds'];
  tlsMode: TlsMode;
  /** The base DNs, one row each, in the order they are searched. */
  baseDnRows: BaseDnRow[];
  attributeRows: AttributeRow[];
  groupMappingRows: GroupMappingRow[];
  /** Typed only to set or replace the password; never filled from the server. */
  bindPassword: string;
  /** Clear the stored password. */
  bindPasswordClear: boolean;
  connection: {
    kind: SourceConnection['kind'];
    url: string;
    bindDn: string;
    bindPasswordEnv: string;
    userFilter: string;
    loginAttribute: string;
    idAttribute: string;
    groupBaseDn: string;
    groupFilter: string;
    nestedGroups: boolean;
    tls: { ca: string; caFile: string; rejectUnauthorized: boolean };
    timeoutMs: number;
    pageSize: number;
  };
}

/** The connection settings of a record, typed. */
export function connectionOf(record: DirectorySourceRecord): SourceConnection {
  return record.connection;
}

/** The TLS mode of connection settings. */
export function tlsModeOf(connection: Partial<SourceConnection>): TlsMode {
  if (/^ldaps:/i.test(connection.url ?? 'ldaps:')) return 'ldaps';
  if (connection.startTls) return 'starttls';
  return connection.allowPlain ? 'plain' : 'starttls';
}

const list = (value: string | string[] | null | undefined) =>
  Array.isArray(value) ? value.join(', ') : (value ?? '');

const split = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

/** Defaults of a new source (the server's defaults, AD first). */
export const NEW_SOURCE: Partial<SourceFormValues> = {
  enabled: true,
  correlateBy: 'employeeId',
  reconnect: 'employeeId',
  schedule: { incremental: '*/5 * * * *', full: '30 2 * * *' },
  thresholds: { minShareOfManaged: 0.5, maxDeactivationShare: 0.1, maxDeactivations: 50 },
  tlsMode: 'ldaps',
  // One empty row: a source needs at least one base DN, and the field is then in view.
  baseDnRows: [{ dn: '' }],
  attributeRows: [],
  groupMappingRows: [],
  bindPassword: '',
  bindPasswordClear: false,
  connection: {
    kind: 'active-directory',
    url: '',
    bindDn: '',
    bindPasswordEnv: '',
    userFilter: '',
    loginAttribute: '',
    idAttribute: '',
    groupBaseDn: '',
    groupFilter: '',
    nestedGroups: false,
    tls: { ca: '', caFile: '', rejectUnauthorized: true },
    timeoutMs: 5000,
    pageSize: 1000,
  },
};

/** The form values of a source record (the password is never among them). */
export function toFormValues(record: DirectorySourceRecord): SourceFormValues {
  const c = connectionOf(record);
  return {
    id: record.id,
    name: record.name,
    enabled: record.enabled,
    correlateBy: record.correlateBy,
    // A server older than the setting answers none: its behaviour is the default.
    reconnect: record.reconnect ?? 'employeeId',
    schedule: record.schedule,
    thresholds: record.thresholds,
    tlsMode: tlsModeOf(c),
    baseDnRows: c.baseDns.map((dn) => ({ dn })),
    attributeRows: Object.entries(c.attributes ?? {}).map(([field, value]) => ({
      field: field as SyncAttributeField,
      attributes: list(value),
    })),
    groupMappingRows: (c.groupMappings ?? []).map((mapping) => ({
      group: mapping.group,
      spaces: mapping.spaces.join(', '),
      organization: mapping.organization ?? '',
    })),
    bindPassword: '',
    bindPasswordClear: false,
    connection: {
      kind: c.kind ?? record.kind,
      url: c.url ?? '',
      bindDn: c.bindDn ?? '',
      bindPasswordEnv: c.bindPasswordEnv ?? '',
      userFilter: c.userFilter ?? '',
      loginAttribute: c.loginAttribute ?? '',
      idAttribute: c.idAttribute ?? '',
      groupBaseDn: c.groupBaseDn ?? '',
      groupFilter: c.groupFilter ?? '',
      nestedGroups: c.nestedGroups ?? false,
      tls: {
        ca: c.tls?.ca ?? '',
        caFile: c.tls?.caFile ?? '',
        rejectUnauthorized: c.tls?.rejectUnauthorized ?? true,
      },
      timeoutMs: c.timeoutMs ?? 5000,
      pageSize: c.pageSize ?? 1000,
    },
  };
}

const text = (value: string | null | undefined) => {
  const trimmed = (value ?? '').trim();
  return trimmed === '' ? null : trimmed;
};

/**
 * The full connection settings the form describes; null for an optional setting left empty.
 * `lockAttribute` is not in the form (set through the API or the configuration): left out, so
 * the server keeps it (a PATCH merges the connection's keys).
 */
function connectionFrom(
  values: SourceFormValues,
): Record<Exclude<keyof SourceConnection, 'lockAttribute'>, unknown> {
  const c = values.connection;
  const attributes: Record<string, string | string[] | null> = {};
  for (const row of values.attributeRows ?? []) {
    if (!row?.field) continue;
    const names = split(row.attributes ?? '');
    attributes[row.field] =
      names.length === 0 ? null : names.length === 1 ? (names[0] ?? null) : names;
  }
  const groupMappings: GroupMapping[] = (values.groupMappingRows ?? [])
    .filter((row) => row && text(row.group) !== null)
    .map((row) => ({
      group: (row.group ?? '').trim(),
      spaces: split(row.spaces ?? ''),
      organization: text(row.organization),
    }));
  const caFile = text(c.tls?.caFile);
  // PEM keeps its line breaks; only the surrounding blank space goes.
  const ca = (c.tls?.ca ?? '').trim() || null;
  return {
    kind: c.kind,
    url: (c.url ?? '').trim(),
    startTls: values.tlsMode === 'starttls',
    allowPlain: values.tlsMode === 'plain',
    tls: {
      rejectUnauthorized: c.tls?.rejectUnauthorized ?? true,
      ...(ca ? { ca: `${ca}\n` } : {}),
      ...(caFile ? { caFile } : {}),
    },
    bindDn: (c.bindDn ?? '').trim(),
    bindPasswordEnv: text(c.bindPasswordEnv),
    // Empty rows are left out (an "add" clicked by mistake); the server checks the rest.
    baseDns: (values.baseDnRows ?? [])
      .map((row) => (row?.dn ?? '').trim())
      .filter((dn) => dn !== ''),
    userFilter: text(c.userFilter),
    loginAttribute: text(c.loginAttribute),
    idAttribute: c.kind === 'ldap' ? text(c.idAttribute) : null,
    groupBaseDn: text(c.groupBaseDn),
    groupFilter: text(c.groupFilter),
    groupMappings,
    nestedGroups: c.nestedGroups ?? false,
    attributes,
    timeoutMs: c.timeoutMs ?? 5000,
    pageSize: c.pageSize ?? 1000,
  };
}

/** Drops nulls (a create has nothing to reset to its default). */
function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The password part of a body: typed → set, "clear" → null, otherwise absent (kept). */
function passwordOf(values: SourceFormValues): Pick<SourceBody, 'bindPassword'> {
  if (values.bindPasswordClear) return { bindPassword: null };
  if (values.bindPassword) return { bindPassword: values.bindPassword };
  return {};
}

const schedule = (values: SourceFormValues) => ({
  incremental: text(values.schedule?.incremental),
  full: text(values.schedule?.full),
});

/** POST body of a new source. */
export function createBody(values: SourceFormValues): SourceBody {
  return {
    id: values.id.trim(),
    name: values.name,
    connection: withoutNulls(connectionFrom(values)),
    ...passwordOf(values),
    enabled: values.enabled,
    schedule: schedule(values),
    thresholds: values.thresholds,
    correlateBy: values.correlateBy,
    reconnect: values.reconnect ?? 'employeeId',
  };
}

/**
 * PATCH body of a change: only what changed. Connection keys are merged by the server (null
 * resets one to its default), so unchanged keys are left out: a URL, bind DN or TLS setting sent
 * again unchanged must not look like a new bind target.
 */
export function updateBody(values: SourceFormValues, record: DirectorySourceRecord): SourceBody {
  const before = connectionOf(record) as Record<string, unknown>;
  const after = connectionFrom(values);
  const connection: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after)) {
    if (key === 'kind') continue;
    if (value === null && before[key] === undefined) continue;
    if (key === 'tls') {
      const tls = value as { rejectUnauthorized: boolean; ca?: string; caFile?: string };
      const was = (before.tls ?? {}) as {
        rejectUnauthorized?: boolean;
        ca?: string;
        caFile?: string;
      };
      if (
        (was.rejectUnauthorized ?? true) === tls.rejectUnauthorized &&
        same(was.caFile, tls.caFile) &&
        same(was.ca?.trim(), tls.ca?.trim())
      )
        continue;
    } else if (key === 'startTls' || key === 'allowPlain' || key === 'nestedGroups') {
      if ((before[key] ?? false) === value) continue;
    } else if (same(before[key], value)) continue;
    connection[key] = value;
  }
  const body: SourceBody = { ...passwordOf(values) };
  if (Object.keys(connection).length > 0) body.connection = connection;
  if (values.name !== record.name) body.name = values.name;
  if (values.enabled !== record.enabled) body.enabled = values.enabled;
  if (values.correlateBy !== record.correlateBy) body.correlateBy = values.correlateBy;
  if (values.reconnect !== undefined && values.reconnect !== (record.reconnect ?? 'employeeId'))
    body.reconnect = values.reconnect;
  const nextSchedule = schedule(values);
  if (!same(nextSchedule, record.schedule)) body.schedule = nextSchedule;
  if (!same(values.thresholds, record.thresholds)) body.thresholds = values.thresholds;
  return body;
}

/** Where an error of the API (its `errors[].path`) is shown in the form. */
export function formPathOf(path: string): string {
  const parts = path.split('.');
  if (parts[0] !== 'connection') return parts[0] === 'bindPassword' ? 'bindPassword' : path;
  const key = parts[1];
  if (key === undefined) return 'connection.kind';
  if (key === 'startTls' || key === 'allowPlain') return 'tlsMode';
  if (key === 'attributes') return 'attributeRows';
  if (key === 'baseDns' || key === 'baseDn') {
    const index = key === 'baseDns' ? parts[2] : undefined;
    return index === undefined ? 'baseDnRows' : `baseDnRows.${index}.dn`;
  }
  if (key === 'groupMappings') {
    const [index, field] = [parts[2], parts[3]];
    return index === undefined || field === undefined
      ? 'groupMappingRows'
      : `groupMappingRows.${index}.${field}`;
  }
  if (key === 'tls')
    return parts[2] === 'caFile' || parts[2] === 'ca' ? `connection.tls.${parts[2]}` : 'tlsMode';
  return `connection.${key}`;
}

/**
 * Problem `errors` as react-admin's submission errors: a nested object by form path, which the
 * form shows under each field.
 */
export function submissionErrors(
  errors: { path: string; message: string }[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const error of errors) {
    const parts = formPathOf(error.path).split('.');
    let node = out;
    parts.forEach((part, index) => {
      if (index === parts.length - 1) {
        if (typeof node[part] !== 'string') node[part] = error.message;
        return;
      }
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return out;
}
