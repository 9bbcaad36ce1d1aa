import { Chip } from '@mui/material';
import { type ReactElement, useState } from 'react';
import {
  Button,
  FunctionField,
  useListContext,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
  useUnselectAll,
} from 'react-admin';
import { call, nonEmpty } from '../../api/call';
import { ReasonDialog } from '../../components/ReasonDialog';
import type { ItemRecord } from './types';

/** What is reviewed: the space, or the back-office role. */
export function AccessField() {
  const item = useRecordContext<ItemRecord>();
  const translate = useTranslate();
  if (!item) return null;
  const what = item.space
    ? item.space.name
    : translate('app.reviews.role_access', {
        role: translate(`app.role.${item.role ?? 'none'}`, { _: item.role ?? '' }),
      });
  return (
    <span>
      {what}
      <br />
      <small>{translate(`app.reviews.item_kind.${item.kind}`)}</small>
    </span>
  );
}

/** The decision (or its absence) and, once applied, the outcome. */
export function DecisionField() {
  const item = useRecordContext<ItemRecord>();
  const translate = useTranslate();
  if (!item) return null;
  const decision = item.decision ?? 'none';
  const color = item.decision === 'revoke' ? 'error' : item.decision ? 'success' : 'default';
  return (
    <span data-testid={`review-decision-${item.id}`}>
      <Chip
        size="small"
        variant="outlined"
        color={color}
        label={translate(`app.reviews.decision.${decision}`)}
      />
      {item.outcome && (item.outcome !== 'kept' || item.undecidedAtClose) && (
        <small> {translate(`app.reviews.outcome.${item.outcome}`)}</small>
      )}
    </span>
  );
}

async function decide(id: string, decision: 'confirm' | 'revoke', note: string | null) {
  await call('decideReviewItem', { params: { id }, body: { decision, note } });
}

/** Confirm and revoke for one undecided item of an open campaign. */
export function ItemButtons() {
  const item = useRecordContext<ItemRecord>();
  const notify = useNotify();
  const refresh = useRefresh();
  const translate = useTranslate();
  const [revoking, setRevoking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!item || item.decision || item.campaignStatus !== 'open') return null;
  const run = async (decision: 'confirm' | 'revoke', note: string | null) => {
    setBusy(true);
    try {
      await decide(item.id, decision, note);
      notify('app.reviews.decided', { type: 'success' });
      setRevoking(false);
      refresh();
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <Button
        label="app.reviews.confirm"
        disabled={busy}
        data-testid={`review-confirm-${item.id}`}
        onClick={() => run('confirm', null)}
      />
      <Button
        label="app.reviews.revoke"
        color="error"
        disabled={busy}
        data-testid={`review-revoke-${item.id}`}
        onClick={() => setRevoking(true)}
      />
      <ReasonDialog
        open={revoking}
        title={translate('app.reviews.revoke_title', { name: item.person.name })}
        help={translate('app.reviews.revoke_help')}
        reason="optional"
        confirmLabel={translate('app.reviews.revoke')}
        busy={busy}
        onConfirm={(note) => run('revoke', note === '' ? null : note)}
        onClose={() => setRevoking(false)}
      />
    </span>
  );
}

/**
 * «Подтвердить выбранные»: the page's selected items, each confirmed with its own decision
 * record and audit event (the server writes one per item); never "confirm all" unseen.
 */
export function ConfirmSelectedButton() {
  const { selectedIds, resource } = useListContext();
  const notify = useNotify();
  const refresh = useRefresh();
  const unselectAll = useUnselectAll(resource);
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      const result = await call('confirmReviewItems', {
        body: { ids: nonEmpty(selectedIds.map(String)) },
      });
      notify('app.reviews.confirmed_selected', {
        type: 'success',
        messageArgs: { smart_count: result.decided },
      });
      unselectAll();
      refresh();
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      label="app.reviews.confirm_selected"
      disabled={busy || selectedIds.length === 0}
      data-testid="review-confirm-selected"
      onClick={confirm}
    />
  );
}

/**
 * The columns every table of review items shows: who and what is reviewed first, the table's
 * own columns (`middle`, each with its key) next, then the decision and its note. A list of
 * elements, not a component: Datagrid reads each column's props from its direct children.
 */
export function reviewItemColumns(middle: readonly ReactElement[]): ReactElement[] {
  return [
    <FunctionField<ItemRecord>
      key="person"
      source="person"
      sortable={false}
      render={(item) => item.person.name}
    />,
    <FunctionField<ItemRecord>
      key="access"
      source="access"
      sortable={false}
      render={() => <AccessField />}
    />,
    ...middle,
    <FunctionField<ItemRecord>
      key="decision"
      source="decision"
      sortable={false}
      render={() => <DecisionField />}
    />,
    <FunctionField<ItemRecord>
      key="note"
      source="note"
      sortable={false}
      render={(item) => item.note ?? ''}
    />,
  ];
}
