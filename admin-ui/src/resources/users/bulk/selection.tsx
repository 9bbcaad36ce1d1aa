import { Box, Button, Typography } from '@mui/material';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import {
  BulkActionsToolbar,
  useListContext,
  useLocale,
  useTranslate,
  useUnselectAll,
} from 'react-admin';
import { call } from '../../../api/call';
import type { ApiBodies } from '../../../api/generated/openapi';

/** The people list's filter as a bulk job, an invitation batch and the exact count take it. */
export type PeopleFilter = ApiBodies['startBulkInvitation']['filter'];

/** The people list's filters a bulk job and an export take (paging and sort do not apply). */
export const FILTER_KEYS = [
  'q',
  'organizationId',
  'spaceId',
  'status',
  'role',
  'source',
  'addedBy',
  'invitation',
] as const;

/**
 * The list's filters a job takes, without empty values or keys the server does not know. Their
 * values come from the list's filter inputs, which offer only what the service accepts; the
 * service checks each again (a 422 names the field), so the type is asserted here, once.
 */
export function peopleFilterOf(filterValues: Record<string, unknown>): PeopleFilter {
  const entries = FILTER_KEYS.flatMap((key) => {
    const value = filterValues[key];
    return value === undefined || value === null || value === '' ? [] : [[key, String(value)]];
  });
  return Object.fromEntries(entries) as PeopleFilter;
}

/** The list's current filters as a job takes them (peopleFilterOf). */
export function useListFilter(): PeopleFilter {
  const { filterValues } = useListContext();
  return peopleFilterOf(filterValues as Record<string, unknown>);
}

/**
 * How many people the list's filter matches. The list's own total, or, when a broad search
 * stopped counting (the list has no total then), the exact count asked once per filter
 * (`exactTotal=true`): a bulk job must say how many people it is about to act on.
 */
export function useMatchingCount(): number {
  const { total } = useListContext();
  const filter = useListFilter();
  const key = new URLSearchParams(filter).toString();
  const [exact, setExact] = useState<{ key: string; count: number } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `filter` is rebuilt each render; `key` is its content
  useEffect(() => {
    if (total !== undefined) return;
    let live = true;
    call('listUsers', { query: { ...filter, exactTotal: 'true', limit: 1 } }).then(
      (page) => {
        if (live) setExact({ key, count: page.total });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [total, key]);
  if (total !== undefined) return total;
  return exact?.key === key ? exact.count : 0;
}

/** Formats a count for the language (5 000 in Russian, 5,000 in English). */
export function useCount(): (n: number) => string {
  const locale = useLocale();
  return useMemo(() => {
    const format = new Intl.NumberFormat(locale);
    return (n: number) => format.format(n);
  }, [locale]);
}

interface AllMatching {
  /** Whether "everyone matching the filter" is selected, not only the rows on the page. */
  all: boolean;
  setAll(all: boolean): void;
}

const AllMatchingContext = createContext<AllMatching>({ all: false, setAll: () => undefined });

/** "All matching" is selected: a bulk action then starts a job over the filter. */
export function useAllMatching(): AllMatching {
  return useContext(AllMatchingContext);
}

/** Holds the "all matching" choice for the list below it. */
export function AllMatchingProvider({ children }: { children: ReactNode }) {
  const [all, setAll] = useState(false);
  const value = useMemo(() => ({ all, setAll }), [all]);
  return <AllMatchingContext.Provider value={value}>{children}</AllMatchingContext.Provider>;
}

/**
 * The selection banner, inside the list's bulk actions toolbar (which covers the space above the
 * table while rows are selected): when every row of the page is selected and more people match,
 * it offers to select all of them (as Gmail does); then it says so (the toolbar's title has the
 * count) and offers to clear.
 * Changing the filter or clearing the selection drops "all matching".
 */
export function SelectAllBanner() {
  const translate = useTranslate();
  const count = useCount();
  const { selectedIds, data, filterValues } = useListContext();
  const matching = useMatchingCount();
  const unselectAll = useUnselectAll('users');
  const { all, setAll } = useAllMatching();
  const filterKey = JSON.stringify(filterValues);
  const seenFilter = useRef(filterKey);
  useEffect(() => {
    if (seenFilter.current === filterKey) return;
    seenFilter.current = filterKey;
    setAll(false);
  }, [filterKey, setAll]);
  useEffect(() => {
    if (selectedIds.length === 0) setAll(false);
  }, [selectedIds.length, setAll]);

  const onPage = data?.length ?? 0;
  const pageSelected = onPage > 0 && selectedIds.length >= onPage;
  if (!all && (!pageSelected || matching <= onPage)) return null;
  return (
    <Box
      data-testid="select-all-banner"
      sx={{ display: 'flex', alignItems: 'center', gap: 1, mx: 1, flexWrap: 'wrap' }}
    >
      {/* The toolbar's text is white on primary; its own title sets the colour the same way. */}
      <Typography
        variant="body2"
        sx={{ color: (theme) => (theme.vars || theme).palette.text.primary }}
      >
        {all
          ? translate('bulkjob.all_matching')
          : translate('bulkjob.page_selected', { smart_count: onPage, count: count(onPage) })}
      </Typography>
      {all ? (
        <Button
          size="small"
          onClick={() => {
            setAll(false);
            unselectAll();
          }}
        >
          {translate('bulkjob.clear')}
        </Button>
      ) : (
        <Button size="small" onClick={() => setAll(true)} data-testid="select-all-matching">
          {translate('bulkjob.select_all', { count: count(matching) })}
        </Button>
      )}
    </Box>
  );
}

/**
 * react-admin's bulk actions toolbar, whose title counts the rows selected on the page («25
 * выбрано»): once everyone matching is selected, it counts them instead, the whole selection a
 * job would act on, in the language's plural forms («Выбрано 120 человек»).
 */
export function SelectionToolbar({ children }: { children: ReactNode }) {
  const translate = useTranslate();
  const count = useCount();
  const { all } = useAllMatching();
  const matching = useMatchingCount();
  // The toolbar translates its label with the page's count; a text that is no key comes back
  // as it is, so the whole count is translated here first.
  const label = all
    ? translate('bulkjob.selected_all', { smart_count: matching, count: count(matching) })
    : undefined;
  return (
    <BulkActionsToolbar selectAllButton={false} label={label}>
      {children}
    </BulkActionsToolbar>
  );
}
