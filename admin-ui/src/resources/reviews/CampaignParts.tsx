import Download from '@mui/icons-material/Download';
import { Box, LinearProgress, Button as MuiButton, Typography } from '@mui/material';
import { useState } from 'react';
import {
  Button,
  useCanAccess,
  useNotify,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { call, operationUrl } from '../../api/call';
import { ReasonDialog } from '../../components/ReasonDialog';
import type { CampaignRecord } from './types';

/** The operator's offline check of a downloaded report (a command: never translated). */
const VERIFY_COMMAND =
  'npm run cli -- review-report verify REPORT.json --public-key keyring.jsonl --csv REPORT.csv';

/** Decided of total, as a bar and in words. */
export function CampaignProgress({ campaign }: { campaign: CampaignRecord }) {
  const translate = useTranslate();
  const { total, decided } = campaign.progress;
  const percent = total === 0 ? 100 : Math.round((decided / total) * 100);
  return (
    <Box sx={{ minWidth: 180 }}>
      <LinearProgress
        variant="determinate"
        value={percent}
        aria-label={translate('app.reviews.progress_label')}
      />
      <Typography variant="body2" data-testid="review-progress">
        {translate('app.reviews.progress', { decided, total })}
      </Typography>
    </Box>
  );
}

/** «Завершить кампанию» (superadmins), with what closing does said first. */
export function CloseCampaignButton() {
  const campaign = useRecordContext<CampaignRecord>();
  const translate = useTranslate();
  const notify = useNotify();
  const refresh = useRefresh();
  const { canAccess } = useCanAccess({ action: 'close', resource: 'review-campaigns' });
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  if (campaign?.status !== 'open' || !canAccess) return null;
  const close = async () => {
    setBusy(true);
    try {
      await call('closeReviewCampaign', { params: { id: campaign.id } });
      notify('app.reviews.closed', { type: 'success' });
      setOpen(false);
      refresh();
    } catch (error) {
      notify((error as Error).message, { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        label="app.reviews.close"
        variant="contained"
        color="warning"
        data-testid="review-close"
        onClick={() => setOpen(true)}
      />
      <ReasonDialog
        open={open}
        title={translate('app.reviews.close_title', { name: campaign.name })}
        help={translate('app.reviews.close_help', {
          rule: translate(`app.reviews.close_rule.${campaign.undecided}`),
        })}
        reason="none"
        confirmLabel={translate('app.reviews.close')}
        busy={busy}
        onConfirm={close}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

/** The signed report's downloads (superadmins, auditors) once the campaign is closed. */
export function ReportDownloads() {
  const campaign = useRecordContext<CampaignRecord>();
  const translate = useTranslate();
  const { canAccess } = useCanAccess({ action: 'export', resource: 'review-campaigns' });
  if (campaign?.status !== 'closed' || !canAccess) return null;
  const href = (format: 'json' | 'csv') =>
    operationUrl('getReviewReport', { params: { id: campaign.id }, query: { format } });
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
      <Box sx={{ display: 'flex', gap: 1 }}>
        <MuiButton
          href={href('json')}
          download
          startIcon={<Download />}
          data-testid="review-report-json"
        >
          {translate('app.reviews.report_json')}
        </MuiButton>
        <MuiButton href={href('csv')} download startIcon={<Download />}>
          {translate('app.reviews.report_csv')}
        </MuiButton>
      </Box>
      {campaign.reportSha256 && (
        <Typography variant="body2" sx={{ wordBreak: 'break-all' }}>
          {translate('app.reviews.report_digest', { sha: campaign.reportSha256 })}
        </Typography>
      )}
      <Typography variant="body2" color="text.secondary">
        {translate('app.reviews.report_note')} <code translate="no">{VERIFY_COMMAND}</code>
      </Typography>
    </Box>
  );
}
