import AdminPanelSettings from '@mui/icons-material/AdminPanelSettings';
import RemoveModerator from '@mui/icons-material/RemoveModerator';
import {
  Autocomplete,
  Box,
  FormControl,
  FormControlLabel,
  FormLabel,
  Radio,
  RadioGroup,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
} from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslate } from 'react-admin';
import {
  endGrant,
  type GrantableRole,
  grantRole,
  listGrants,
  type OrganizationNode,
  organizationTree,
  type RoleGrantRecord,
} from '../../api/grants';
import type { UserRecord } from '../../api/types';
import { Row, Section } from '../../components/Section';
import { fromCompanyWallTime, useFormat } from '../../format';
import { roleGrantSubject } from '../../providers/ability';
import { useAbility } from '../../providers/useAbility';
import { ActionButton } from './ActionButton';

const GRANTABLE: readonly GrantableRole[] = ['staff', 'admin', 'auditor'];
// Only staff and admins are scoped (an auditor reads the whole company).
const SCOPABLE: ReadonlySet<GrantableRole> = new Set(['staff', 'admin']);

/** The organizations of a scope in words: their names, or «the whole company» when empty. */
function useScopeText() {
  const translate = useTranslate();
  return (scope: RoleGrantRecord['scope']) =>
    scope.length === 0
      ? translate('app.grants.whole_company')
      : scope.map((organization) => organization.name).join(', ');
}

/**
 * The card's «Back-office rights» section (issue 18): the standing role and every role grant with
 * its scope, term, reason and who granted it; company-wide admins and superadmins grant and
 * withdraw here. Everything shown comes from `GET /users/:id/grants`, which the server filters.
 */
export function BackofficeRights({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const { dateTime } = useFormat();
  const scopeText = useScopeText();
  const ability = useAbility();
  const grants = useQuery({
    queryKey: ['role-grants', record.id, record.version],
    queryFn: () => listGrants(record.id),
  });
  const canGrant = ability.can('grant', 'RoleGrant');
  const rows = grants.data?.data ?? [];
  return (
    <Section title={translate('app.grants.title')} wide>
      <Row label={translate('app.grants.standing_role')}>
        {translate(`app.role.${record.role ?? 'none'}`)}
      </Row>
      {grants.isError && (
        <Box sx={{ color: 'error.main', fontSize: 14 }}>{translate('app.grants.load_failed')}</Box>
      )}
      {rows.length === 0 && grants.isSuccess && (
        <Box sx={{ color: 'text.secondary', fontSize: 14, py: 1 }}>
          {translate('app.grants.none')}
        </Box>
      )}
      {rows.length > 0 && (
        <Table size="small" data-testid="role-grants">
          <TableHead>
            <TableRow>
              <TableCell>{translate('app.grants.role')}</TableCell>
              <TableCell>{translate('app.grants.scope')}</TableCell>
              <TableCell>{translate('app.grants.until')}</TableCell>
              <TableCell>{translate('app.grants.reason')}</TableCell>
              <TableCell>{translate('app.grants.granted_by')}</TableCell>
              <TableCell>{translate('app.grants.state')}</TableCell>
              {canGrant && <TableCell />}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((grant) => (
              <TableRow key={grant.id} sx={grant.inForce ? undefined : { opacity: 0.6 }}>
                <TableCell>{translate(`app.role.${grant.role}`)}</TableCell>
                <TableCell>{scopeText(grant.scope)}</TableCell>
                <TableCell>
                  {grant.expiresAt ? dateTime(grant.expiresAt) : translate('app.grants.no_end')}
                </TableCell>
                <TableCell>{grant.reason}</TableCell>
                <TableCell>
                  {grant.grantedByName ?? '—'}, {dateTime(grant.createdAt)}
                </TableCell>
                <TableCell>
                  {grant.inForce
                    ? translate('app.grants.in_force')
                    : grant.endedAt
                      ? translate('app.grants.ended', {
                          when: dateTime(grant.endedAt),
                          who: grant.endedByName ?? '—',
                        })
                      : translate('app.grants.expired')}
                </TableCell>
                {canGrant && (
                  <TableCell>
                    {grant.inForce && <WithdrawButton record={record} grant={grant} />}
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {canGrant && (
        <Box sx={{ pt: 1 }}>
          <GrantButton record={record} />
        </Box>
      )}
    </Section>
  );
}

/** Ends one grant, with a reason (the server ends the sessions of whoever holds no role then). */
function WithdrawButton({ record, grant }: { record: UserRecord; grant: RoleGrantRecord }) {
  const translate = useTranslate();
  const scopeText = useScopeText();
  return (
    <ActionButton
      label="app.grants.withdraw"
      icon={<RemoveModerator />}
      title={translate('app.grants.withdraw_title', {
        role: translate(`app.role.${grant.role}`),
        scope: scopeText(grant.scope),
        name: record.displayName,
      })}
      help={translate('app.grants.withdraw_help')}
      reason="required"
      run={async (reason) => {
        await endGrant(record.id, grant.id, reason);
        return { message: 'app.grants.withdrawn' };
      }}
    />
  );
}

/**
 * Grants a role: which one (nothing preselected), over which organizations (several, from the
 * tree; none is the whole company), until when (optional, in the company's time zone) and why.
 */
function GrantButton({ record }: { record: UserRecord }) {
  const translate = useTranslate();
  const ability = useAbility();
  const labelId = useId();
  const [role, setRole] = useState<GrantableRole | null>(null);
  const [scope, setScope] = useState<OrganizationNode[]>([]);
  const [until, setUntil] = useState('');
  const [open, setOpen] = useState(false);
  const tree = useQuery({
    queryKey: ['organization-tree'],
    queryFn: organizationTree,
    enabled: open,
  });
  const allowed = GRANTABLE.filter((to) => ability.can('grant', roleGrantSubject(record, to)));
  if (allowed.length === 0) return null;
  const scoped = role !== null && SCOPABLE.has(role);
  return (
    <ActionButton
      label="app.grants.grant"
      icon={<AdminPanelSettings />}
      title={translate('app.grants.grant_title', { name: record.displayName })}
      help={translate('app.grants.grant_help')}
      reason="required"
      ready={role !== null}
      onOpen={() => {
        setRole(null);
        setScope([]);
        setUntil('');
        setOpen(true);
      }}
      run={async (reason) => {
        if (role === null) return undefined;
        await grantRole(record.id, {
          role,
          scope: scoped ? scope.map((organization) => organization.id) : [],
          expiresAt: until ? fromCompanyWallTime(until) : null,
          reason,
        });
        return { message: 'app.grants.granted' };
      }}
    >
      <FormControl component="fieldset" required sx={{ mt: 1, display: 'block' }}>
        <FormLabel id={labelId}>{translate('app.safety.choose_role')}</FormLabel>
        <RadioGroup
          aria-labelledby={labelId}
          name="grant-role"
          value={role ?? ''}
          onChange={(event) => setRole(event.target.value as GrantableRole)}
        >
          {allowed.map((value) => (
            <FormControlLabel
              key={value}
              value={value}
              control={<Radio />}
              label={translate(`app.role.${value}`)}
            />
          ))}
        </RadioGroup>
      </FormControl>
      {scoped && (
        <Autocomplete
          multiple
          sx={{ mt: 2 }}
          options={tree.data?.data ?? []}
          loading={tree.isLoading}
          value={scope}
          onChange={(_, value) => setScope(value)}
          getOptionLabel={(option) => option.pathNames.join(' / ') || option.name}
          // MUI's own words are English: the console's language instead.
          openText={translate('ra.action.open')}
          closeText={translate('ra.action.close')}
          clearText={translate('ra.action.clear_input_value')}
          noOptionsText={translate('app.grants.no_organizations')}
          loadingText={translate('ra.page.loading')}
          isOptionEqualToValue={(option, value) => option.id === value.id}
          renderInput={(params) => (
            <TextField
              {...params}
              label={translate('app.grants.scope')}
              placeholder={scope.length === 0 ? translate('app.grants.whole_company') : undefined}
              helperText={translate('app.grants.scope_help')}
            />
          )}
        />
      )}
      <TextField
        type="datetime-local"
        sx={{ mt: 2 }}
        fullWidth
        label={translate('app.grants.until')}
        value={until}
        onChange={(event) => setUntil(event.target.value)}
        slotProps={{ inputLabel: { shrink: true } }}
        helperText={translate('app.grants.until_help')}
      />
    </ActionButton>
  );
}
