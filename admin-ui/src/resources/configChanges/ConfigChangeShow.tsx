import { Stack } from '@mui/material';
import {
  FunctionField,
  Labeled,
  Show,
  SimpleShowLayout,
  TextField,
  useRecordContext,
} from 'react-admin';
import type { ConfigChangeRecord } from '../../api/configChangeTypes';
import { DateTime } from '../../components/DateTime';
import { EnumField } from '../../components/EnumField';
import { ChangeDiff } from './ChangeDiff';
import { DecisionButtons } from './DecisionButtons';

function Body() {
  const change = useRecordContext<ConfigChangeRecord>();
  if (!change) return null;
  return (
    <SimpleShowLayout>
      <EnumField source="status" prefix="configchange.status" chip />
      <FunctionField<ConfigChangeRecord>
        source="diff"
        render={(record) => <ChangeDiff change={record} />}
      />
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <DecisionButtons change={change} />
      </Stack>
      <TextField source="requestedBy" />
      <DateTime source="requestedAt" />
      {change.status === 'pending' ? <DateTime source="expiresAt" /> : null}
      {change.decidedBy ? <TextField source="decidedBy" /> : null}
      {change.decidedAt ? <DateTime source="decidedAt" /> : null}
      {change.reason ? <TextField source="reason" /> : null}
      {change.singleSuperadmin ? (
        <Labeled source="singleSuperadmin">
          <EnumField source="singleSuperadmin" prefix="configchange.single" />
        </Labeled>
      ) : null}
    </SimpleShowLayout>
  );
}

/** One configuration change: what it does in words, who asked and decided, and the decision. */
export default function ConfigChangeShow() {
  return (
    <Show>
      <Body />
    </Show>
  );
}
