import { Box, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useTranslate } from 'react-admin';
import type { UserRecord } from '../../api/types';
import { personLabel } from '../../components/personLabel';
import { Section } from '../../components/Section';
import { sourceName } from '../../components/sourceName';
import { useAppDataProvider } from '../../dataProviderHook';
import { CancelChangeButton } from './CancelChangeButton';
import { EffectiveDate } from './EffectiveDate';

/** The person's live scheduled changes on their card, each cancellable by those who may. */
export function PersonSchedule({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const { data } = useQuery({
    // The record's version in the key: an action on the card (which bumps it) reads this again.
    queryKey: ['scheduled-changes', 'person', record.id, record.version],
    queryFn: () =>
      dataProvider.listScheduledChanges({ userId: record.id, state: 'live', limit: 20 }),
  });
  const changes = data?.data ?? [];
  return (
    <Section title={translate('app.schedule.on_card')}>
      <Box data-testid="person-schedule">
        {changes.length === 0 && (
          <Typography variant="body2">{translate('app.schedule.none_for_person')}</Typography>
        )}
        {changes.map((change) => (
          <Box
            key={change.id}
            sx={{ display: 'flex', alignItems: 'center', gap: 2, py: 0.5, flexWrap: 'wrap' }}
          >
            <Typography variant="body2" sx={{ fontWeight: 600 }}>
              {translate(`app.schedule.kind.${change.kind}`)}
            </Typography>
            <EffectiveDate change={change} />
            <Typography variant="body2" color="text.secondary">
              {[
                change.sourceId && sourceName(change.sourceId, translate),
                change.reason,
                personLabel(change.createdBy),
              ]
                .filter((part) => part && part !== '—')
                .join(' · ')}
            </Typography>
            <CancelChangeButton change={change} />
          </Box>
        ))}
      </Box>
    </Section>
  );
}
