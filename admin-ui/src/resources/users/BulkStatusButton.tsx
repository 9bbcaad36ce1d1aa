import Block from '@mui/icons-material/Block';
import CheckCircle from '@mui/icons-material/CheckCircle';
import PauseCircle from '@mui/icons-material/PauseCircle';
import {
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Button as MuiButton,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
} from '@mui/material';
import {
  createContext,
  type ReactElement,
  type ReactNode,
  useContext,
  useId,
  useState,
} from 'react';
import {
  Button,
  type Identifier,
  useCanAccess,
  useListContext,
  useNotify,
  useRefresh,
  useTranslate,
  useUnselectAll,
} from 'react-admin';
import { problemCode } from '../../api/http';
import type { BulkStatusAction, BulkStatusResult, UserRecord } from '../../api/types';
import { ReasonDialog } from '../../components/ReasonDialog';
import { useAppDataProvider } from '../../dataProviderHook';

const ICONS: Record<BulkStatusAction, ReactElement> = {
  deactivate: <Block />,
  suspend: <PauseCircle />,
  activate: <CheckCircle />,
};

/** What a finished bulk request showed: the action, the answer, names of the selected rows. */
interface Outcome {
  action: BulkStatusAction;
  result: BulkStatusResult;
  names: Map<string, string>;
}

/** How many changed and, for each skipped person, their name and why (by the stable code). */
function BulkResultDialog({ outcome, onClose }: { outcome: Outcome | null; onClose(): void }) {
  const translate = useTranslate();
  const titleId = useId();
  if (!outcome) return null;
  const { action, result, names } = outcome;
  return (
    <Dialog open onClose={onClose} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <DialogTitle id={titleId}>{translate(`app.bulk.result_title.${action}`)}</DialogTitle>
      <DialogContent data-testid="bulk-result">
        <DialogContentText>
          {translate('app.bulk.changed', { count: result.changed.length })}
          {' · '}
          {translate('app.bulk.skipped', { count: result.skipped.length })}
        </DialogContentText>
        {result.skipped.length > 0 && (
          <Table size="small" sx={{ mt: 1 }}>
            <TableHead>
              <TableRow>
                <TableCell>{translate('app.bulk.person')}</TableCell>
                <TableCell>{translate('app.bulk.why')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {result.skipped.map((skip) => (
                <TableRow key={skip.id}>
                  <TableCell>{names.get(String(skip.id)) || skip.label || skip.id}</TableCell>
                  <TableCell>
                    {translate(`app.skip.${skip.code}`, { _: skip.message || skip.code })}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </DialogContent>
      <DialogActions>
        <MuiButton variant="contained" onClick={onClose} autoFocus>
          {translate('ra.action.close')}
        </MuiButton>
      </DialogActions>
    </Dialog>
  );
}

const OutcomeContext = createContext<(outcome: Outcome) => void>(() => undefined);

/**
 * Holds the result dialog of the bulk actions outside the list, so it stays open whatever the
 * refreshed list shows (even no rows at all).
 */
export function BulkOutcomeProvider({ children }: { children: ReactNode }) {
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  return (
    <OutcomeContext.Provider value={setOutcome}>
      {children}
      <BulkResultDialog outcome={outcome} onClose={() => setOutcome(null)} />
    </OutcomeContext.Provider>
  );
}

/**
 * Deactivates, suspends or activates the selected people through one request
 * (`POST /users/bulk/{action}`); a reason is required to deactivate or suspend. The server
 * changes whom it may in one transaction and names the others with a code, which the result shows.
 */
export function BulkStatusButton({ action }: { action: BulkStatusAction }) {
  const { selectedIds, data } = useListContext<UserRecord>();
  const dataProvider = useAppDataProvider();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const unselectAll = useUnselectAll('users');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const showOutcome = useContext(OutcomeContext);

  const confirm = async (reason: string) => {
    setBusy(true);
    // The names now, while the rows are on screen (the server labels people by username).
    const names = new Map((data ?? []).map((row) => [String(row.id), row.displayName]));
    try {
      const result = await dataProvider.bulkStatus(
        action,
        selectedIds as Identifier[],
        reason || undefined,
      );
      setOpen(false);
      unselectAll();
      if (result.skipped.length === 0) {
        notify('app.bulk.all_changed', {
          type: 'success',
          messageArgs: { count: result.changed.length },
        });
      } else {
        showOutcome({ action, result, names });
      }
      refresh();
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      const code = problemCode(error);
      notify(code ? translate(`app.skip.${code}`, { _: text }) : text, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button label={`app.bulk.${action}`} onClick={() => setOpen(true)}>
        {ICONS[action]}
      </Button>
      <ReasonDialog
        open={open}
        title={translate(`app.bulk.title.${action}`, { smart_count: selectedIds.length })}
        help={action === 'suspend' ? translate('app.action.suspend_help') : undefined}
        reason={action === 'activate' ? 'optional' : 'required'}
        busy={busy}
        confirmLabel={translate(`app.bulk.${action}`)}
        onConfirm={confirm}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

/** The list's bulk actions, each shown when the rules allow it on some people. */
export function BulkStatusButtons() {
  const { canAccess: canDeactivate } = useCanAccess({ action: 'deactivate', resource: 'users' });
  const { canAccess: canSuspend } = useCanAccess({ action: 'suspend', resource: 'users' });
  const { canAccess: canActivate } = useCanAccess({ action: 'activate', resource: 'users' });
  return (
    <>
      {canSuspend && <BulkStatusButton action="suspend" />}
      {canDeactivate && <BulkStatusButton action="deactivate" />}
      {canActivate && <BulkStatusButton action="activate" />}
    </>
  );
}
