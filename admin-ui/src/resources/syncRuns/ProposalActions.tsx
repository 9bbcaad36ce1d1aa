import Block from '@mui/icons-material/Block';
import LinkIcon from '@mui/icons-material/Link';
import PersonAdd from '@mui/icons-material/PersonAdd';
import { Alert, Box, Typography } from '@mui/material';
import { useState } from 'react';
import { useCanAccess, useTranslate } from 'react-admin';
import type { PlanDecision, PlanItem } from '../../api/syncTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from '../users/ActionButton';

/** A reconnection proposal read from a plan item. */
export interface Proposal {
  /** The proposed person's login (or display name). */
  person: string;
  /** The day the person was deactivated (YYYY-MM-DD), or a dash when unknown. */
  since: string;
}

/**
 * The reconnection proposal of a plan item: a conflict whose login or e-mail alone matched a
 * person the source deactivated (the view's `proposed`); null for any other item.
 */
export function proposalOf(item: Pick<PlanItem, 'action' | 'proposed'>): Proposal | null {
  if (item.action !== 'conflict' || !item.proposed) return null;
  return { person: item.proposed.label, since: item.proposed.deactivatedOn ?? '—' };
}

/**
 * The proposal of a conflict row and, for those who may approve runs (`approve` on `SyncRun`),
 * its decisions: link the entry to this person, create a new person (the former one keeps their
 * history and messenger account, and releases the login and e-mail), or ignore it. Each is
 * confirmed, then recorded; it takes effect on the source's next run.
 */
export function ProposalActions({ runId, item }: { runId: string; item: PlanItem }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const { canAccess } = useCanAccess({ action: 'approve', resource: 'sync-runs' });
  const [decided, setDecided] = useState<string | null>(null);
  const proposal = proposalOf(item);
  if (!proposal) return null;
  const t = (key: string) => translate(`app.sync.proposal.${key}`, { ...proposal });
  const decide = async (decision: PlanDecision, message: string) => {
    await dataProvider.decidePlanItem(runId, item.seq, decision);
    setDecided(translate(message, { person: proposal.person }));
    return { message, args: { person: proposal.person } };
  };
  return (
    <Box data-testid="plan-proposal" sx={{ mt: 0.5 }}>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {t('label')}
      </Typography>
      {canAccess && (
        <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
          <ActionButton
            label={t('link')}
            icon={<LinkIcon />}
            title={t('link_title')}
            help={t('link_help')}
            reason="none"
            confirmLabel={t('link')}
            run={() => decide('link', 'app.sync.proposal.linked')}
          />
          <ActionButton
            label={t('create')}
            icon={<PersonAdd />}
            title={t('create_title')}
            help={t('create_help')}
            reason="none"
            confirmLabel={t('create')}
            run={() => decide('create', 'app.sync.proposal.created')}
          />
          <ActionButton
            label={t('ignore')}
            icon={<Block />}
            title={t('ignore_title')}
            help={t('ignore_help')}
            reason="none"
            confirmLabel={t('ignore')}
            run={() => decide('ignore', 'app.sync.proposal.ignored')}
          />
        </Box>
      )}
      {decided && (
        <Alert severity="success" sx={{ mt: 0.5 }} data-testid="plan-decision">
          {decided}
        </Alert>
      )}
    </Box>
  );
}
