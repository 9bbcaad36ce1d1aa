import Add from '@mui/icons-material/Add';
import {
  Alert,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
} from '@mui/material';
import { type FormEvent, useId, useState } from 'react';
import { Button as RaButton, useNotify, useRefresh, useTranslate } from 'react-admin';
import type { CreatedScimToken } from '../../api/hrTypes';
import { CopyField } from '../../components/CopyField';
import { useAppDataProvider } from '../../dataProviderHook';

/** Where the SCIM 2.0 endpoints are, for the HR system's settings. */
export function scimBaseUrl(): string {
  return `${window.location.origin}/scim/v2`;
}

/**
 * Creates a SCIM token: asks for its name, then shows the token once (it is stored hashed and
 * can never be shown again) with a copy button and the SCIM base URL.
 */
export function CreateTokenButton() {
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const dataProvider = useAppDataProvider();
  const titleId = useId();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<CreatedScimToken | null>(null);
  const t = (key: string) => translate(`app.scim.${key}`);

  const close = () => {
    setOpen(false);
    setName('');
    setCreated(null);
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return;
    setBusy(true);
    try {
      setCreated(await dataProvider.createScimToken(name.trim()));
      refresh();
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <RaButton label={t('create')} onClick={() => setOpen(true)}>
        <Add />
      </RaButton>
      <Dialog
        open={open}
        onClose={created ? undefined : close}
        aria-labelledby={titleId}
        fullWidth
        maxWidth="sm"
      >
        {created ? (
          <>
            <DialogTitle id={titleId}>{t('created_title')}</DialogTitle>
            <DialogContent>
              <Alert severity="warning" sx={{ mb: 2 }}>
                {t('shown_once')}
              </Alert>
              <CopyField label={t('token')} value={created.token} testId="scim-token" />
              <CopyField label={t('base_url')} value={scimBaseUrl()} testId="scim-base-url" />
            </DialogContent>
            <DialogActions>
              <Button variant="contained" onClick={close}>
                {t('stored_it')}
              </Button>
            </DialogActions>
          </>
        ) : (
          <form onSubmit={submit}>
            <DialogTitle id={titleId}>{t('create_title')}</DialogTitle>
            <DialogContent>
              <TextField
                name="name"
                label={t('name')}
                helperText={t('name_help')}
                value={name}
                onChange={(event) => setName(event.target.value)}
                required
                autoFocus
                fullWidth
                margin="normal"
                slotProps={{ htmlInput: { maxLength: 100 } }}
              />
            </DialogContent>
            <DialogActions>
              <Button onClick={close}>{translate('app.action.cancel')}</Button>
              <Button type="submit" variant="contained" disabled={busy || name.trim() === ''}>
                {t('create')}
              </Button>
            </DialogActions>
          </form>
        )}
      </Dialog>
    </>
  );
}
