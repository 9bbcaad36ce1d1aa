import { useTranslate } from 'react-admin';

/** Minutes as words, «2 часа 30 минут» (plural forms through polyglot's smart_count). */
export function useDurationText(): (minutes: number) => string {
  const translate = useTranslate();
  return (minutes) => {
    const hours = Math.floor(minutes / 60);
    const rest = minutes % 60;
    const parts: string[] = [];
    if (hours > 0) parts.push(translate('elevation.hours', { smart_count: hours }));
    if (rest > 0 || hours === 0) parts.push(translate('elevation.minutes', { smart_count: rest }));
    return parts.join(' ');
  };
}

/** Where a role reaches: the organizations by name, or the whole company. */
export function useScopeText(): (scope: readonly { name: string }[]) => string {
  const translate = useTranslate();
  return (scope) =>
    scope.length === 0
      ? translate('elevation.whole_company')
      : scope.map((organization) => organization.name).join(', ');
}
