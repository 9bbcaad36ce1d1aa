import Send from '@mui/icons-material/Send';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  Typography,
} from '@mui/material';
import { useEffect, useState } from 'react';
import { useListContext, useTranslate } from 'react-admin';
import { api } from '../../api/http';

interface Batch {
  id: string;
  status: 'running' | 'succeeded' | 'failed';
  total: number;
  processed: number;
  invited: number;
  skipped: number;
  items: { userId: string; label: string | null; outcome: string | null; code: string | null }[];
}

const FILTER_KEYS = [
  'q',
  'organizationId',
  'spaceId',
  'status',
  'role',
  'source',
  'addedBy',
  'invitation',
];

/**
 * "Invite everyone in this list": one background job over the list's current filters, with a
 * progress bar and the result per person (invited, or skipped and why).
 */
export function InviteAllButton() {
  const translate = useTranslate();
  const { filterValues, total } = useListContext();
  const [confirming, setConfirming] = useState(false);
  const [batch, setBatch] = useState<Batch | null>(null);

  useEffect(() => {
    if (batch?.status !== 'running') return;
    const timer = setTimeout(() => {
      api<Batch>('GET', `/invitation-batches/${batch.id}?limit=1000`).then(setBatch, () => {});
    }, 1000);
    return () => clearTimeout(timer);
  }, [batch]);

  const start = async () => {
    const filter = Object.fromEntries(
      Object.entries(filterValues as Record<string, unknown>).filter(
        ([key, value]) => FILTER_KEYS.includes(key) && value !== '' && value != null,
      ),
    );
    const started = await api<{ id: string; total: number }>('POST', '/invitation-batches', {
      filter,
    });
    setConfirming(false);
    setBatch({ ...started, status: 'running', processed: 0, invited: 0, skipped: 0, items: [] });
  };
  const percent = batch && batch.total > 0 ? (100 * batch.processed) / batch.total : 0;
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
      <Dialog open={batch !== null} onClose={() => setBatch(null)} maxWidth="sm" fullWidth>
        <DialogTitle>{translate('app.invitation.batch_title')}</DialogTitle>
        <DialogContent data-testid="invitation-batch">
          <LinearProgress variant="determinate" value={percent} sx={{ my: 1 }} />
          <Typography variant="body2">
            {translate('app.invitation.batch_progress', {
              processed: batch?.processed ?? 0,
              total: batch?.total ?? 0,
              invited: batch?.invited ?? 0,
              skipped: batch?.skipped ?? 0,
            })}
          </Typography>
          <Box component="ul" sx={{ maxHeight: 300, overflow: 'auto', pl: 2 }}>
            {batch?.items
              .filter((item) => item.outcome)
              .map((item) => (
                <li key={item.userId}>
                  {item.label ?? item.userId}:{' '}
                  {item.outcome === 'invited'
                    ? translate('app.invitation.status.invited')
                    : translate(`app.invitation.skip.${item.code ?? 'unknown'}`, {
                        _: item.code ?? '',
                      })}
                </li>
              ))}
          </Box>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setBatch(null)}>{translate('ra.action.close')}</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
