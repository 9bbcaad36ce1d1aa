import Link from '@mui/icons-material/Link';
import {
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  Button as MuiButton,
  TextField,
} from '@mui/material';
import { useId, useState } from 'react';
import { Button, useNotify, useTranslate } from 'react-admin';
import type { UserRecord } from '../../api/types';
import { useAppDataProvider } from '../../dataProviderHook';
import { useFormat } from '../../format';

/** Issues a one-time enrollment link for a back-office person and shows it to copy. */
export function EnrollmentLinkButton({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const notify = useNotify();
  const { dateTime } = useFormat();
  const dataProvider = useAppDataProvider();
  const titleId = useId();
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);

  const issue = async () => {
    try {
      setLink(await dataProvider.issueEnrollmentLink(record.id));
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
    }
  };
  const copy = async () => {
    if (!link) return;
    await navigator.clipboard?.writeText(link.url).catch(() => undefined);
    notify('app.action.copied', { type: 'info' });
  };

  return (
    <>
      <Button label="app.action.enrollment_link" onClick={issue}>
        <Link />
      </Button>
      <Dialog
        open={link !== null}
        onClose={() => setLink(null)}
        aria-labelledby={titleId}
        fullWidth
      >
        <DialogTitle id={titleId}>
          {translate('app.action.enrollment_link_title', { name: record.displayName })}
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            {translate('app.action.enrollment_link_help', { expires: dateTime(link?.expiresAt) })}
          </DialogContentText>
          <TextField
            label="URL"
            value={link?.url ?? ''}
            fullWidth
            margin="normal"
            slotProps={{ htmlInput: { readOnly: true, 'data-testid': 'enrollment-url' } }}
            onFocus={(event) => event.target.select()}
          />
        </DialogContent>
        <DialogActions>
          <MuiButton onClick={copy}>{translate('app.action.copy')}</MuiButton>
          <MuiButton variant="contained" onClick={() => setLink(null)}>
            {translate('ra.action.close')}
          </MuiButton>
        </DialogActions>
      </Dialog>
    </>
  );
}
