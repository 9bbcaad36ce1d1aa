import Replay from '@mui/icons-material/Replay';
import {
  Alert,
  Box,
  Button,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
} from '@mui/material';
import { useState } from 'react';
import { useCanAccess, useNotify, useRedirect, useTranslate } from 'react-admin';
import {
  IMPORT_FIELDS,
  type ImportField,
  type ImportMapping,
  type ImportRunRecord,
} from '../../api/hrTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { FilePicker } from './FilePicker';
import { fileOf, rememberFile } from './uploadedFiles';

/** header → field, from the server's field → header. */
function byHeader(mapping: ImportMapping | undefined): Record<string, ImportField> {
  const out: Record<string, ImportField> = {};
  for (const [field, header] of Object.entries(mapping ?? {})) {
    if (header) out[header] = field as ImportField;
  }
  return out;
}

function toMapping(headers: Record<string, ImportField>): ImportMapping {
  const out: ImportMapping = {};
  for (const [header, field] of Object.entries(headers)) out[field] = header;
  return out;
}

/**
 * The file's columns and the field each feeds, as detected; each can be overridden, and the
 * preview re-run with the new mapping (the same file uploaded again; the old preview discarded).
 */
export function MappingEditor({ record }: { record: ImportRunRecord }) {
  const translate = useTranslate();
  const notify = useNotify();
  const redirect = useRedirect();
  const dataProvider = useAppDataProvider();
  const { canAccess: canCreate } = useCanAccess({ action: 'create', resource: 'imports' });
  const details = record.details ?? {};
  const detected = byHeader(details.mapping);
  const [chosen, setChosen] = useState<Record<string, ImportField>>(detected);
  const [file, setFile] = useState<File | null>(fileOf(record.id) ?? null);
  const [busy, setBusy] = useState(false);
  const headers = details.headers ?? [];
  const t = (key: string) => translate(`app.imports.${key}`);
  const editable = canCreate && record.status === 'planned';
  const changed = JSON.stringify(toMapping(chosen)) !== JSON.stringify(toMapping(detected));

  const choose = (header: string, field: ImportField | '') => {
    const next: Record<string, ImportField> = {};
    // One column per field: taking a field away from another column.
    for (const [other, value] of Object.entries(chosen)) {
      if (other !== header && value !== field) next[other] = value;
    }
    if (field) next[header] = field;
    setChosen(next);
  };

  const rerun = async () => {
    if (!file) return;
    setBusy(true);
    try {
      const run = await dataProvider.uploadImport(
        file,
        details.scope ?? 'partial',
        toMapping(chosen),
      );
      rememberFile(run.id, file);
      // The old preview is superseded; if it was already applied or discarded meanwhile, the
      // new one still stands, so a failure here changes nothing for the person.
      await dataProvider.discardImport(record.id).catch(() => undefined);
      redirect('show', 'imports', run.id);
    } catch (error) {
      notify(error instanceof Error ? error.message : String(error), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box data-testid="import-mapping">
      <Table size="small" aria-label={t('mapping')}>
        <TableHead>
          <TableRow>
            <TableCell>{t('file_column')}</TableCell>
            <TableCell>{t('our_field')}</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {headers.map((header) => (
            <TableRow key={header}>
              <TableCell sx={{ fontFamily: 'monospace' }}>{header}</TableCell>
              <TableCell>
                <TextField
                  select
                  size="small"
                  value={chosen[header] ?? ''}
                  disabled={!editable}
                  onChange={(event) => choose(header, event.target.value as ImportField | '')}
                  sx={{ minWidth: 240 }}
                  slotProps={{ htmlInput: { 'aria-label': header } }}
                >
                  <MenuItem value="">
                    <em>{t('not_used')}</em>
                  </MenuItem>
                  {IMPORT_FIELDS.map((field) => (
                    <MenuItem key={field} value={field}>
                      {translate(`app.imports.field.${field}`)}
                    </MenuItem>
                  ))}
                </TextField>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {editable && (
        <Box sx={{ mt: 2, display: 'flex', flexDirection: 'column', gap: 1 }}>
          {!file && (
            <>
              <Alert severity="info">{t('choose_again')}</Alert>
              <FilePicker file={file} onChange={setFile} />
            </>
          )}
          <Box>
            <Button
              variant="outlined"
              startIcon={<Replay />}
              disabled={!changed || !file || busy}
              onClick={rerun}
            >
              {t('rerun')}
            </Button>
          </Box>
        </Box>
      )}
    </Box>
  );
}
