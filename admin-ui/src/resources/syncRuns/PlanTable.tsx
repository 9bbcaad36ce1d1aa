import {
  Alert,
  Chip,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TablePagination,
  TableRow,
  TextField,
} from '@mui/material';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import { PLAN_ACTIONS, type PlanAction, type PlanItem } from '../../api/syncTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { useFormat } from '../../format';
import type { PlanBase } from '../../providers/dataProvider';
import { PlanDiff } from './PlanDiff';
import { PlanNotes } from './PlanNotes';
import { ProposalActions } from './ProposalActions';

const ACTION_COLORS: Record<PlanAction, 'success' | 'info' | 'error' | 'warning' | 'default'> = {
  create: 'success',
  update: 'info',
  deactivate: 'error',
  suspend: 'warning',
  reactivate: 'success',
  conflict: 'warning',
  unchanged: 'default',
};

function Person({ item }: { item: PlanItem }) {
  const name = item.label ?? item.locator ?? item.externalId ?? '—';
  // A person to be created has no card until the plan is applied.
  const exists = item.userId && (item.action !== 'create' || item.outcome === 'applied');
  return exists ? <Link to={`/users/${item.userId}/show`}>{name}</Link> : <span>{name}</span>;
}

/** Props of {@link PlanTable}. */
export interface PlanTableProps {
  runId: string;
  /** Where the plan is read (an import's through `/imports`); sync runs by default. */
  base?: PlanBase;
  /** Changes when the run moves on (its status), so outcomes are read again. */
  revision?: string;
  /** The run's counts per action: the filter then shows how many rows each action has. */
  counts?: Record<string, number>;
}

/** A run's plan, one row per person (action chip, diff, note), filterable by action and paged. */
export function PlanTable({ runId, base = 'sync-runs', revision, counts }: PlanTableProps) {
  const translate = useTranslate();
  const { number } = useFormat();
  const dataProvider = useAppDataProvider();
  const [action, setAction] = useState<PlanAction | ''>('');
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(25);
  const query = { action: action || undefined, offset: page * perPage, limit: perPage };
  const { data, error } = useQuery({
    queryKey: [base, runId, 'plan', revision, query],
    queryFn: () => dataProvider.getPlan(runId, query, base),
    placeholderData: keepPreviousData,
  });
  const t = (key: string) => translate(`app.sync.${key}`);
  return (
    <>
      <TextField
        select
        size="small"
        label={t('filter_action')}
        value={action}
        onChange={(event) => {
          setAction(event.target.value as PlanAction | '');
          setPage(0);
        }}
        sx={{ minWidth: 220, mb: 1 }}
        data-testid="plan-action-filter"
      >
        <MenuItem value="">{t('all_actions')}</MenuItem>
        {PLAN_ACTIONS.map((value) => (
          <MenuItem key={value} value={value}>
            {translate(`app.sync.action.${value}`)}
            {counts?.[value] !== undefined && ` (${counts[value]})`}
          </MenuItem>
        ))}
      </TextField>
      {error && <Alert severity="error">{String(error)}</Alert>}
      <Table size="small" aria-label={t('plan')} data-testid="plan">
        <TableHead>
          <TableRow>
            <TableCell>{t('person')}</TableCell>
            <TableCell>{t('plan_action')}</TableCell>
            <TableCell>{t('changes')}</TableCell>
            <TableCell>{t('note')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {data?.data.length === 0 && (
            <TableRow>
              <TableCell colSpan={4}>{t('plan_empty')}</TableCell>
            </TableRow>
          )}
          {data?.data.map((item) => (
            <TableRow key={item.seq}>
              <TableCell>
                <Person item={item} />
              </TableCell>
              <TableCell>
                <Chip
                  size="small"
                  variant="outlined"
                  color={ACTION_COLORS[item.action]}
                  label={translate(`app.sync.action.${item.action}`)}
                />
              </TableCell>
              <TableCell>
                <PlanDiff
                  diff={item.diff}
                  // The source's key is the item's own field; the record holds the values.
                  record={
                    item.action === 'create' && item.record
                      ? { externalId: item.externalId, ...item.record }
                      : null
                  }
                />
              </TableCell>
              <TableCell>
                <PlanNotes item={item} />
                {base === 'sync-runs' && <ProposalActions runId={runId} item={item} />}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={data?.total ?? 0}
        page={page}
        rowsPerPage={perPage}
        rowsPerPageOptions={[10, 25, 50, 100]}
        onPageChange={(_event, next) => setPage(next)}
        onRowsPerPageChange={(event) => {
          setPerPage(Number(event.target.value));
          setPage(0);
        }}
        labelRowsPerPage={t('per_page')}
        // MUI's own default reads «0–0 of 0»: react-admin's words, as its lists use.
        labelDisplayedRows={({ from, to, count }) =>
          translate('ra.navigation.page_range_info', {
            offsetBegin: number(from),
            offsetEnd: number(to),
            total: number(count),
          })
        }
        getItemAriaLabel={(type) =>
          translate(type === 'previous' ? 'ra.navigation.previous' : `ra.navigation.${type}`)
        }
      />
    </>
  );
}
