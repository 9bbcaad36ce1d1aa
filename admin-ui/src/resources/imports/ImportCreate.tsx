import UploadFile from '@mui/icons-material/UploadFile';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  FormControl,
  FormControlLabel,
  FormLabel,
  Radio,
  RadioGroup,
  Typography,
} from '@mui/material';
import { type FormEvent, useState } from 'react';
import { Title, useRedirect, useTranslate } from 'react-admin';
import type { ImportScope } from '../../api/hrTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { FilePicker } from './FilePicker';
import { rememberFile } from './uploadedFiles';

/** Step 1 of an import: choose the file and what it covers; the upload makes a preview. */
export default function ImportCreate() {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const redirect = useRedirect();
  const [file, setFile] = useState<File | null>(null);
  const [scope, setScope] = useState<ImportScope>('partial');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const t = (key: string) => translate(`app.imports.${key}`);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const run = await dataProvider.uploadImport(file, scope);
      rememberFile(run.id, file);
      redirect('show', 'imports', run.id);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <Card sx={{ mt: 2, maxWidth: 760 }}>
      <Title title={t('upload_title')} />
      <CardContent component="form" onSubmit={submit} data-testid="import-upload">
        <Typography variant="h6" component="h1" gutterBottom>
          {t('upload_title')}
        </Typography>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          {t('upload_help')}
        </Typography>
        <FilePicker file={file} onChange={setFile} />
        <FormControl sx={{ mt: 3, display: 'block' }}>
          <FormLabel id="import-scope">{t('scope')}</FormLabel>
          <RadioGroup
            aria-labelledby="import-scope"
            name="scope"
            value={scope}
            onChange={(event) => setScope(event.target.value as ImportScope)}
          >
            <FormControlLabel value="partial" control={<Radio />} label={t('scope_partial')} />
            <FormControlLabel value="complete" control={<Radio />} label={t('scope_complete')} />
          </RadioGroup>
        </FormControl>
        {scope === 'complete' && (
          <Alert severity="warning" sx={{ mt: 1 }}>
            {t('scope_complete_help')}
          </Alert>
        )}
        {error && (
          <Alert severity="error" sx={{ mt: 2 }} data-testid="import-error">
            {error}
          </Alert>
        )}
        <Box sx={{ mt: 3 }}>
          <Button
            type="submit"
            variant="contained"
            startIcon={<UploadFile />}
            disabled={!file || busy}
          >
            {t(busy ? 'uploading' : 'upload')}
          </Button>
        </Box>
      </CardContent>
    </Card>
  );
}
