import Cable from '@mui/icons-material/Cable';
import {
  Alert,
  Box,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  LinearProgress,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useState } from 'react';
import { Button, useLocaleState, useTranslate } from 'react-admin';
import { noteLines } from '../../api/planNotes';
import type {
  ConnectionTestPreview,
  ConnectionTestResult,
  ConnectionTestStep,
} from '../../api/syncTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { useFormat } from '../../format';

type Translate = ReturnType<typeof useTranslate>;

/** A step's result in the console's language; an unknown code falls back to the English text. */
export function stepMessage(translate: Translate, step: ConnectionTestStep): string {
  const params: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(step.params)) {
    if (value === null) params[name] = '—';
    else params[name] = Array.isArray(value) ? value.join(', ') || '—' : value;
  }
  return translate(`app.sources.test.code.${step.code}`, { ...params, _: step.message });
}

function Steps({ steps }: { steps: ConnectionTestStep[] }) {
  const translate = useTranslate();
  const { duration } = useFormat();
  return (
    <Table size="small" data-testid="connection-test-steps">
      <TableBody>
        {steps.map((step) => (
          <TableRow key={step.step} data-step={step.step} data-ok={String(step.ok)}>
            <TableCell
              sx={{ width: 24, color: step.ok ? 'success.main' : 'error.main', fontWeight: 700 }}
              aria-label={translate(step.ok ? 'app.sources.test.ok' : 'app.sources.test.failed')}
            >
              {step.code === 'skipped' ? '–' : step.ok ? '✓' : '✗'}
            </TableCell>
            <TableCell sx={{ width: 170 }}>
              {translate(`app.sources.test.step.${step.step}`, { _: step.step })}
            </TableCell>
            <TableCell>{stepMessage(translate, step)}</TableCell>
            <TableCell align="right" sx={{ color: 'text.secondary', whiteSpace: 'nowrap' }}>
              {duration(step.ms)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Preview({ entries }: { entries: ConnectionTestPreview[] }) {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const f = (field: string) => translate(`app.sources.field.${field}`);
  if (entries.length === 0)
    return <Typography variant="body2">{translate('app.sources.test.no_entries')}</Typography>;
  return (
    <Table size="small" data-testid="connection-test-preview">
      <TableHead>
        <TableRow>
          <TableCell>{f('username')}</TableCell>
          <TableCell>{f('displayName')}</TableCell>
          <TableCell>{f('email')}</TableCell>
          <TableCell>{f('title')}</TableCell>
          <TableCell>{translate('app.sources.test.organization')}</TableCell>
          <TableCell>{translate('app.sources.test.problems')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {entries.map((entry) => (
          <TableRow key={entry.dn} title={entry.dn}>
            <TableCell>{entry.record.username ?? '—'}</TableCell>
            <TableCell>{entry.record.displayName ?? '—'}</TableCell>
            <TableCell>{entry.record.email ?? '—'}</TableCell>
            <TableCell>{entry.record.title ?? '—'}</TableCell>
            <TableCell>{entry.record.organization ?? '—'}</TableCell>
            <TableCell sx={{ color: entry.problems.length > 0 ? 'warning.main' : undefined }}>
              {noteLines(translate, locale, entry.notes, entry.problems.join('; '))
                .map((line) => line.text)
                .join('; ') || '—'}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * "Test connection": DNS, TCP, TLS, bind, rootDSE, base DN, filter, mapping and deletion
 * detection, each with ✓/✗ and a message in the console's language, then the first entries as the
 * mapping reads them. Nothing is stored or changed.
 */
export function ConnectionTestButton({ sourceId }: { sourceId: string }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setOpen(true);
    setBusy(true);
    setResult(null);
    setError(null);
    try {
      setResult(await dataProvider.testSource(sourceId));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button label="app.sources.test.button" onClick={run}>
        <Cable />
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} maxWidth="lg" fullWidth>
        <DialogTitle>{translate('app.sources.test.title')}</DialogTitle>
        <DialogContent data-testid="connection-test">
          {busy && <LinearProgress />}
          {error && <Alert severity="error">{error}</Alert>}
          {result && (
            <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
              <Alert
                severity={result.ok ? 'success' : 'error'}
                data-testid="connection-test-result"
              >
                {translate(result.ok ? 'app.sources.test.passed' : 'app.sources.test.not_passed')}
              </Alert>
              <Steps steps={result.steps} />
              <Typography variant="subtitle1" component="h3" sx={{ fontWeight: 600 }}>
                {translate('app.sources.test.preview')}
              </Typography>
              <Preview entries={result.preview} />
            </Box>
          )}
        </DialogContent>
        <DialogActions>
          <Button label="ra.action.close" onClick={() => setOpen(false)} />
        </DialogActions>
      </Dialog>
    </>
  );
}
