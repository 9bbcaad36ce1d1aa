import PlayArrow from '@mui/icons-material/PlayArrow';
import Preview from '@mui/icons-material/Preview';
import Sync from '@mui/icons-material/Sync';
import type { ReactElement } from 'react';
import { useRedirect, useTranslate } from 'react-admin';
import type { RunMode } from '../../api/syncTypes';
import { useAppDataProvider } from '../../dataProviderHook';
import { ActionButton } from '../users/ActionButton';

const MODES: { mode: RunMode; icon: ReactElement }[] = [
  { mode: 'dry-run', icon: <Preview /> },
  { mode: 'full', icon: <PlayArrow /> },
  { mode: 'incremental', icon: <Sync /> },
];

/** Dry run, full sync and incremental sync of a source, each confirmed; opens the new run. */
export function SyncButtons({ sourceId, name }: { sourceId: string; name: string }) {
  const translate = useTranslate();
  const dataProvider = useAppDataProvider();
  const redirect = useRedirect();
  return (
    <>
      {MODES.map(({ mode, icon }) => (
        <ActionButton
          key={mode}
          label={translate(`app.sync.start.${mode}`)}
          icon={icon}
          title={translate('app.sync.start_title', {
            mode: translate(`app.sync.start.${mode}`),
            name,
          })}
          help={translate(`app.sync.start_help.${mode}`)}
          reason="none"
          run={async () => {
            const run = await dataProvider.syncSource(sourceId, mode);
            redirect('show', 'sync-runs', run.id);
            return { message: 'app.sync.started' };
          }}
        />
      ))}
    </>
  );
}
