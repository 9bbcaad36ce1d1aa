import { InputAdornment, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import {
  ArrayInput,
  BooleanInput,
  FormDataConsumer,
  minLength,
  NumberInput,
  RadioButtonGroupInput,
  regex,
  required,
  SelectInput,
  SimpleForm,
  SimpleFormIterator,
  TextInput,
  useTranslate,
} from 'react-admin';
import {
  CORRELATION_KEYS,
  type DirectorySourceRecord,
  RECONNECT_POLICIES,
  SYNC_ATTRIBUTE_FIELDS,
} from '../../api/syncTypes';
import { BindPasswordInput } from './BindPasswordInput';
import type { SourceFormValues } from './sourceForm';

function Heading({ children }: { children: ReactNode }) {
  return (
    <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 600, mt: 2, mb: 1 }}>
      {children}
    </Typography>
  );
}

function Unit({ unit }: { unit: string }) {
  const translate = useTranslate();
  return <InputAdornment position="end">{translate(`app.sources.unit.${unit}`)}</InputAdornment>;
}

const ID = regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'app.sources.help.id_format');
const wide = { fullWidth: true, sx: { maxWidth: 600 } } as const;

/**
 * Everything a source defined through the console has: name, kind, URL and TLS, CA bundle, bind
 * DN and the write-only password, base DNs and filters, attribute and group mappings, timeouts,
 * schedule and thresholds. `record` is the source being changed (absent on create).
 */
export function SourceForm({
  record,
  values,
  defaultValues,
}: {
  record?: DirectorySourceRecord;
  values?: SourceFormValues;
  defaultValues?: Partial<SourceFormValues>;
}) {
  const translate = useTranslate();
  const creating = record === undefined;
  return (
    <SimpleForm record={values} defaultValues={defaultValues} data-testid="source-form">
      <Heading>{translate('app.sources.section.general')}</Heading>
      {creating && (
        <TextInput
          source="id"
          label="resources.directory-sources.fields.id"
          validate={[required(), ID]}
          helperText="app.sources.help.id"
          {...wide}
        />
      )}
      <TextInput
        source="name"
        label="resources.directory-sources.fields.name"
        validate={required()}
        {...wide}
      />
      <SelectInput
        source="connection.kind"
        label="resources.directory-sources.fields.kind"
        choices={[
          { id: 'active-directory', name: 'app.sync.kind.active-directory' },
          { id: 'ldap', name: 'app.sync.kind.ldap' },
        ]}
        disabled={!creating}
        validate={required()}
      />

      <Heading>{translate('app.sources.section.connection')}</Heading>
      <TextInput
        source="connection.url"
        label="app.sources.form.url"
        helperText="app.sources.help.url"
        validate={required()}
        {...wide}
      />
      <RadioButtonGroupInput
        source="tlsMode"
        label="app.sources.form.tlsMode"
        choices={[
          { id: 'ldaps', name: 'app.sources.tls_mode.ldaps' },
          { id: 'starttls', name: 'app.sources.tls_mode.starttls' },
          { id: 'plain', name: 'app.sources.tls_mode.plain' },
        ]}
        helperText="app.sources.help.tlsMode"
      />
      <BooleanInput
        source="connection.tls.rejectUnauthorized"
        label="app.sources.form.rejectUnauthorized"
        helperText="app.sources.help.rejectUnauthorized"
      />
      <TextInput
        source="connection.tls.ca"
        label="app.sources.form.ca"
        helperText="app.sources.help.ca"
        multiline
        minRows={3}
        maxRows={12}
        {...wide}
      />
      <TextInput
        source="connection.tls.caFile"
        label="app.sources.form.caFile"
        helperText="app.sources.help.caFile"
        {...wide}
      />
      <NumberInput
        source="connection.timeoutMs"
        label="app.sources.form.timeoutMs"
        min={100}
        max={120000}
        step={100}
        slotProps={{ input: { endAdornment: <Unit unit="ms" /> } }}
      />

      <Heading>{translate('app.sources.section.account')}</Heading>
      <TextInput
        source="connection.bindDn"
        label="app.sources.form.bindDn"
        helperText="app.sources.help.bindDn"
        validate={required()}
        {...wide}
      />
      <BindPasswordInput stored={record} />
      <TextInput
        source="connection.bindPasswordEnv"
        label="app.sources.form.bindPasswordEnv"
        helperText="app.sources.help.bindPasswordEnv"
        {...wide}
      />

      <Heading>{translate('app.sources.section.search')}</Heading>
      {/* Several subtrees (OU=Moscow…, OU=Yekaterinburg…): one row each, searched in order. */}
      <ArrayInput
        source="baseDnRows"
        label="app.sources.form.baseDns"
        helperText="app.sources.help.baseDns"
        validate={minLength(1)}
      >
        <SimpleFormIterator disableReordering disableClear>
          <TextInput source="dn" label="app.sources.form.baseDn" validate={required()} {...wide} />
        </SimpleFormIterator>
      </ArrayInput>
      <TextInput
        source="connection.userFilter"
        label="app.sources.form.userFilter"
        helperText="app.sources.help.userFilter"
        {...wide}
      />
      <TextInput
        source="connection.loginAttribute"
        label="app.sources.form.loginAttribute"
        helperText="app.sources.help.default_by_kind"
      />
      <FormDataConsumer<SourceFormValues>>
        {({ formData }) =>
          formData.connection?.kind === 'ldap' && (
            <TextInput
              source="connection.idAttribute"
              label="app.sources.form.idAttribute"
              helperText="app.sources.help.default_by_kind"
            />
          )
        }
      </FormDataConsumer>
      <NumberInput
        source="connection.pageSize"
        label="app.sources.form.pageSize"
        min={1}
        max={10000}
        slotProps={{ input: { endAdornment: <Unit unit="entries" /> } }}
      />

      <Heading>{translate('app.sources.section.mapping')}</Heading>
      <ArrayInput
        source="attributeRows"
        label="app.sources.form.attributes"
        helperText="app.sources.help.attributes"
      >
        <SimpleFormIterator inline disableReordering>
          <SelectInput
            source="field"
            label="app.sources.form.field"
            choices={SYNC_ATTRIBUTE_FIELDS.map((field) => ({
              id: field,
              name: `app.sources.field.${field}`,
            }))}
            validate={required()}
          />
          <TextInput
            source="attributes"
            label="app.sources.form.directoryAttributes"
            helperText="app.sources.help.directoryAttributes"
          />
        </SimpleFormIterator>
      </ArrayInput>

      <Heading>{translate('app.sources.section.groups')}</Heading>
      <TextInput
        source="connection.groupBaseDn"
        label="app.sources.form.groupBaseDn"
        helperText="app.sources.help.groupBaseDn"
        {...wide}
      />
      <TextInput source="connection.groupFilter" label="app.sources.form.groupFilter" {...wide} />
      <BooleanInput source="connection.nestedGroups" label="app.sources.form.nestedGroups" />
      <ArrayInput
        source="groupMappingRows"
        label="app.sources.form.groupMappings"
        helperText="app.sources.help.groupMappings"
      >
        <SimpleFormIterator inline disableReordering>
          <TextInput source="group" label="app.sources.form.group" validate={required()} />
          <TextInput
            source="spaces"
            label="app.sources.form.spaces"
            helperText="app.sources.help.spaces"
          />
          <TextInput source="organization" label="app.sources.form.organization" />
        </SimpleFormIterator>
      </ArrayInput>

      <Heading>{translate('app.sources.section.sync')}</Heading>
      <BooleanInput
        source="enabled"
        label="resources.directory-sources.fields.enabled"
        helperText="app.sync.enabled_help"
      />
      <SelectInput
        source="correlateBy"
        label="resources.directory-sources.fields.correlateBy"
        choices={CORRELATION_KEYS.map((key) => ({ id: key, name: `app.sources.correlate.${key}` }))}
      />
      <SelectInput
        source="reconnect"
        label="app.sources.form.reconnect"
        choices={RECONNECT_POLICIES.map((policy) => ({
          id: policy,
          name: `app.sources.reconnect.${policy}`,
        }))}
        helperText="app.sources.help.reconnect"
        validate={required()}
        {...wide}
      />
      <TextInput
        source="schedule.incremental"
        label="resources.directory-sources.fields.schedule.incremental"
        helperText="app.sync.cron_help"
      />
      <TextInput
        source="schedule.full"
        label="resources.directory-sources.fields.schedule.full"
        helperText="app.sync.cron_help"
      />
      <NumberInput
        source="thresholds.minShareOfManaged"
        label="resources.directory-sources.fields.thresholds.minShareOfManaged"
        min={0}
        max={1}
        step={0.05}
        helperText="app.sources.help.share"
        slotProps={{ input: { endAdornment: <Unit unit="share" /> } }}
      />
      <NumberInput
        source="thresholds.maxDeactivationShare"
        label="resources.directory-sources.fields.thresholds.maxDeactivationShare"
        min={0}
        max={1}
        step={0.01}
        helperText="app.sources.help.share"
        slotProps={{ input: { endAdornment: <Unit unit="share" /> } }}
      />
      <NumberInput
        source="thresholds.maxDeactivations"
        label="resources.directory-sources.fields.thresholds.maxDeactivations"
        min={0}
        step={1}
        slotProps={{ input: { endAdornment: <Unit unit="people" /> } }}
      />
    </SimpleForm>
  );
}
