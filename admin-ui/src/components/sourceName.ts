/**
 * A directory source's id as the console shows it: the service's own sources (`hr-import`, the
 * HR file import; `scim`; `manual`) as words, a configured source's id (`corp-ad`, chosen by the
 * superadmin who set it up) as it is.
 */
export function sourceName(
  id: string,
  translate: (key: string, options?: Record<string, unknown>) => string,
): string {
  return translate(`app.source_id.${id}`, { _: id });
}
