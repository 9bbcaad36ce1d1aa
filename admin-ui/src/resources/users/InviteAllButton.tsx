import Send from '@mui/icons-material/Send';
import {
  Alert,
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  Typography,
} from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import { useListContext, useNotify, useTranslate } from 'react-admin';
import { call } from '../../api/call';
import type { ApiResponses } from '../../api/generated/openapi';
import { problemCode } from '../../api/http';
import { peopleFilterOf } from './bulk/selection';

type BatchItem = Batch['items'][number];

/** A batch's progress, as the button follows it (the start answers its id and size only). */
type Batch = Pick<
  ApiResponses['getInvitationBatch'],
  'id' | 'status' | 'total' | 'processed' | 'invited' | 'skipped' | 'error' | 'items'
>;

/** How often a running job's progress is read again. */
const POLL_MS = 1000;
/** Per-person results per request (the server's maximum). */
const PAGE = 1000;

/** Every per-person result of a finished job, page by page (a list may be longer than a page). */
async function readResults(id: string, total: number): Promise<BatchItem[]> {
  const items: BatchItem[] = [];
  for (let offset = 0; offset < Math.max(total, 1); offset += PAGE) {
    const page = await call('getInvitationBatch', {
      params: { id },
      query: { offset, limit: PAGE },
    });
    items.push(...page.items);
  }
  return items;
}

/**
 * "Invite everyone in this list": one background job over the list's current filters, with a
 * progress bar and, when it ends, the result per person — the skipped ones first, with why.
 */
export function InviteAllButton() {
  const translate = useTranslate();
  const notify = useNotify();
  const { filterValues, total, refetch } = useListContext();
  const [confirming, setConfirming] = useState(false);
  const [batch, setBatch] = useState<Batch | null>(null);
  const [results, setResults] = useState<BatchItem[] | null>(null);

  // The list refreshes when a job ends (its invitation column changed); a ref keeps the effect
  // below from running again when the list context hands out a new function.
  const refresh = useRef(refetch);
  refresh.current = refetch;

  const runningId = batch?.status === 'running' ? batch.id : null;
  useEffect(() => {
    if (!runningId) return;
    // While it runs only the counters are read (one result row, not the whole list); an answer
    // that arrives after the job was seen finished does not bring the bar back.
    const timer = setInterval(() => {
      call('getInvitationBatch', { params: { id: runningId }, query: { limit: 1 } }).then(
        (next) =>
          setBatch((seen) => (seen?.id === next.id && seen.status === 'running' ? next : seen)),
        () => {},
      );
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [runningId]);

  const finishedId = batch && batch.status !== 'running' ? batch.id : null;
  const finishedTotal = batch?.total ?? 0;
  useEffect(() => {
    if (!finishedId) return;
    let live = true;
    readResults(finishedId, finishedTotal).then(
      (items) => {
        if (!live) return;
        setResults(items);
        refresh.current();
      },
      () => {
        if (live) setResults([]);
      },
    );
    return () => {
      live = false;
    };
  }, [finishedId, finishedTotal]);

  const start = async () => {
    const filter = peopleFilterOf(filterValues as Record<string, unknown>);
    try {
      const started = await call('startBulkInvitation', { body: { filter } });
      setResults(null);
      setBatch({
        ...started,
        status: 'running',
        processed: 0,
        invited: 0,
        skipped: 0,
        error: null,
        items: [],
      });
    } catch (caught) {
      const code = problemCode(caught);
      notify(code ? `app.invitation.error.${code}` : String(caught), {
        type: 'warning',
        messageArgs: { _: caught instanceof Error ? caught.message : String(caught) },
      });
    } finally {
      setConfirming(false);
    }
  };
  const close = () => {
    setBatch(null);
    setResults(null);
  };

  const running = batch?.status === 'running';
  const percent =
    batch && batch.total > 0
      ? Math.round((100 * batch.processed) / batch.total)
      : running
        ? 0
        : 100;
  const skipped = results?.filter((item) => item.outcome === 'skipped') ?? [];
  const invited = results?.filter((item) => item.outcome === 'invited') ?? [];
  const reason = (item: BatchItem) =>
    item.outcome === 'invited'
      ? translate(
          item.code === 'held' ? 'app.invitation.held_note' : 'app.invitation.status.invited',
        )
      : translate(`app.invitation.skip.${item.code ?? 'unknown'}`, { _: item.code ?? '' });
  const list = (items: BatchItem[], testId: string) => (
    <Box
      component="ul"
      data-testid={testId}
      sx={{ maxHeight: 240, overflow: 'auto', pl: 2, my: 0.5 }}
    >
      {items.map((item) => (
        <li key={item.userId}>
          {item.label ?? item.userId} — {reason(item)}
        </li>
      ))}
    </Box>
  );
  return (
    <>
      <Button startIcon={<Send />} size="small" onClick={() => setConfirming(true)}>
        {translate('app.invitation.invite_all')}
      </Button>
      <Dialog open={confirming} onClose={() => setConfirming(false)}>
        <DialogTitle>{translate('app.invitation.invite_all')}</DialogTitle>
        <DialogContent>
          <Typography>
            {translate('app.invitation.invite_all_help', { count: total ?? 0 })}
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setConfirming(false)}>{translate('ra.action.cancel')}</Button>
          <Button variant="contained" onClick={start}>
            {translate('app.invitation.invite')}
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog open={batch !== null} onClose={close} maxWidth="sm" fullWidth>
        <DialogTitle>{translate('app.invitation.batch_title')}</DialogTitle>
        <DialogContent data-testid="invitation-batch">
          <LinearProgress
            variant="determinate"
            value={percent}
            sx={{ my: 1, height: 8, borderRadius: 1 }}
            aria-label={translate('app.invitation.batch_progress_label')}
            data-testid="invitation-batch-progress"
          />
          <Typography variant="body2" data-testid="invitation-batch-counts">
            {translate('app.invitation.batch_progress', {
              processed: batch?.processed ?? 0,
              total: batch?.total ?? 0,
              invited: batch?.invited ?? 0,
              skipped: batch?.skipped ?? 0,
            })}
          </Typography>
          {running && (
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {translate('app.invitation.batch_running')}
            </Typography>
          )}
          {batch?.status === 'failed' && (
            <Alert severity="error" sx={{ mt: 1 }} data-testid="invitation-batch-failed">
              {translate('app.invitation.batch_failed', { error: batch.error ?? '' })}
            </Alert>
          )}
          {batch?.status === 'succeeded' && (
            <Alert severity="success" sx={{ mt: 1 }} data-testid="invitation-batch-done">
              {translate('app.invitation.batch_done', {
                invited: batch.invited,
                skipped: batch.skipped,
              })}
            </Alert>
          )}
          {results && skipped.length > 0 && (
            <>
              <Typography variant="subtitle2" sx={{ mt: 2 }}>
                {translate('app.invitation.batch_skipped', { count: skipped.length })}
              </Typography>
              {list(skipped, 'invitation-batch-skipped')}
            </>
          )}
          {results && invited.length > 0 && (
            <>
              <Typography variant="subtitle2" sx={{ mt: 2 }}>
                {translate('app.invitation.batch_invited', { count: invited.length })}
              </Typography>
              {list(invited, 'invitation-batch-invited')}
            </>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>{translate('ra.action.close')}</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
