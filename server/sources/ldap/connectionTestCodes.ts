/**
 * The steps of "Test connection" and the stable codes of their outcomes (connectionTest.ts), in
 * a module of their own: the route's view (sources/schemas.ts) declares them as enums, so the
 * API document and the console's types name each one.
 */

/** The steps, in the order they run and are reported. */
export const CONNECTION_TEST_STEPS = [
  'dns',
  'tcp',
  'tls',
  'bind',
  'root_dse',
  'base_dn',
  'filter',
  'mapping',
  'deletion_detection',
] as const;

/** One step's name. */
export type ConnectionTestStepName = (typeof CONNECTION_TEST_STEPS)[number];

/**
 * Every outcome's stable code and its English message template (`{name}` → `params.name`, lists
 * joined with ", "). The console translates by code; docs/directory-sync.md ("Test connection")
 * holds the same templates with the Russian ones, and a test keeps the two in step.
 */
export const CONNECTION_TEST_MESSAGES = {
  dns_resolved: '{host} resolves to {addresses}',
  dns_ip_address: '{host} is an IP address: no DNS lookup needed',
  dns_failed:
    '{host} does not resolve ({reason}): check the server name and the DNS settings of the service’s machine',
  dns_timeout: 'No DNS answer for {host} within {timeoutMs} ms',
  tcp_connected: 'Connected to {address} port {port}',
  tcp_refused:
    '{address} refused the connection on port {port}: nothing listens there (wrong port, or the directory service is stopped)',
  tcp_timeout:
    'No answer from {address} port {port} within {timeoutMs} ms: a firewall may drop the traffic, or the host is down',
  tcp_unreachable: '{address} port {port} cannot be reached ({reason}): check the network route',
  tcp_failed: 'Could not connect to {address} port {port}: {reason}',
  tls_not_used:
    'Plain LDAP without TLS (allowPlain): the bind password travels unencrypted over the network',
  tls_established:
    'TLS established ({protocol}); the certificate of {host} ({subject}, issued by {issuer}, valid until {validTo}) is trusted',
  tls_starttls_established: 'StartTLS established; the certificate of {host} is trusted',
  tls_unverified:
    'TLS established, but the certificate of {host} is NOT checked (rejectUnauthorized: false): acceptable only for a test directory',
  tls_certificate_untrusted:
    'The certificate of {host} is not trusted ({reason}): paste the certificate of the CA that signed it into the source’s CA bundle',
  tls_hostname_mismatch:
    'The certificate does not name {host} ({reason}): use the name the certificate was issued for in the URL',
  tls_certificate_expired: 'The certificate of {host} has expired ({reason})',
  tls_certificate_not_yet_valid:
    'The certificate of {host} is not valid yet ({reason}): check the clocks of both machines',
  tls_ca_unreadable: 'The CA bundle of the source cannot be used: {reason}',
  tls_handshake_failed: 'TLS with {host} failed: {reason}',
  tls_timeout: 'No TLS answer from {host} within {timeoutMs} ms',
  bind_ok: 'Signed in as {bindDn}',
  bind_no_password: 'No bind password is available: {reason}',
  bind_invalid_credentials:
    'The directory refused the bind DN or the password of {bindDn} (wrong password, or no such account)',
  bind_account_disabled:
    'The account {bindDn} may not sign in: disabled, expired, locked or its password expired (AD code {subCode})',
  bind_strong_auth_required:
    'The directory refuses a simple bind over an unencrypted connection: use ldaps:// or StartTLS',
  bind_timeout: 'The bind as {bindDn} got no answer within {timeoutMs} ms',
  bind_failed: 'The bind as {bindDn} failed: {reason}',
  root_dse_read: 'Directory server answers; naming contexts: {namingContexts}',
  root_dse_no_paging:
    'The server does not announce paged results (RFC 2696), which syncs need; naming contexts: {namingContexts}',
  root_dse_timeout: 'The root DSE got no answer within {timeoutMs} ms',
  root_dse_failed: 'The root DSE could not be read: {reason}',
  base_dn_found: 'The base DN {baseDn} exists',
  base_dns_found: 'All {count} base DNs exist: {baseDns}',
  base_dn_not_found:
    'The base DN {baseDn} does not exist, or the service account may not read it (naming contexts: {namingContexts})',
  base_dn_timeout: 'Reading the base DN {baseDn} got no answer within {timeoutMs} ms',
  base_dn_failed: 'The base DN {baseDn} could not be read: {reason}',
  filter_matched: 'The user filter {filter} matched {count} entries (first page of {pageSize})',
  filter_no_match: 'The user filter {filter} matched no entry under {baseDn}',
  filter_invalid: 'The user filter {filter} is not a valid LDAP filter: {reason}',
  filter_timeout: 'The search with the user filter got no answer within {timeoutMs} ms',
  filter_failed: 'The search with the user filter {filter} failed: {reason}',
  mapping_ok: 'Every mapped attribute was found in the {entries} previewed entries',
  mapping_attribute_missing: 'Not found in any of the {entries} previewed entries: {missing}',
  mapping_username_missing:
    '{count} of {entries} previewed entries have no login ({attributes}): those people could not sign in',
  mapping_id_missing:
    '{count} of {entries} previewed entries have no {attribute}: those entries cannot be synced',
  mapping_failed: 'The entries could not be read through the mapping: {reason}',
  deletion_detection_permitted:
    'The service account can see deleted objects: deletions reach the next incremental run',
  deletion_detection_enumeration:
    'Deletions are found by listing the ids in scope on every incremental run; no special right is needed',
  deletion_detection_not_permitted:
    'Deletion detection not permitted: the service account cannot list CN=Deleted Objects, so people deleted in the directory are deactivated only by the nightly full run; grant it list and read (LCRP) on that container',
  deletion_detection_timeout: 'The deletion detection check got no answer within {timeoutMs} ms',
  deletion_detection_failed: 'The deletion detection check failed: {reason}',
  skipped: 'Not checked: an earlier step did not pass ({because})',
} as const;

/** A stable outcome code. */
export type ConnectionTestCode = keyof typeof CONNECTION_TEST_MESSAGES;
