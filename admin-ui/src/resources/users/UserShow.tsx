import { Box } from '@mui/material';
import { Show, useCanAccess, useRecordContext, useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import type { UserRecord } from '../../api/types';
import { PersonLink } from '../../components/PersonName';
import { Row, Section } from '../../components/Section';
import { SourceOwnerChip } from '../../components/SourceOwnerChip';
import { StatusChip } from '../../components/StatusChip';
import { useFormat } from '../../format';
import { PersonAccess } from '../access/PersonAccess';
import { PersonSchedule } from '../scheduledChanges/PersonSchedule';
import { AuditHistory } from './AuditHistory';
import { BackofficeRights } from './BackofficeRights';
import { CredentialDisclosures } from './CredentialDisclosures';
import { SessionsPanel } from './SessionsPanel';
import { StatusHistory } from './StatusHistory';
import { UserActions } from './UserActions';

const usersOf = (organizationId: string) =>
  `/users?filter=${encodeURIComponent(JSON.stringify({ organizationId }))}`;

function Card() {
  const record = useRecordContext<UserRecord>();
  const translate = useTranslate();
  const { dateTime, date } = useFormat();
  const { canAccess: canReadSchedule } = useCanAccess({
    action: 'list',
    resource: 'scheduled-changes',
  });
  const { canAccess: canReadAudit } = useCanAccess({ action: 'list', resource: 'audit-events' });
  const { canAccess: canReadOrgs } = useCanAccess({ action: 'list', resource: 'organizations' });
  if (!record) return null;
  const f = (field: string) => translate(`resources.users.fields.${field}`);
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 2, p: 2 }}>
      <Section title={translate('app.card.profile')}>
        <Row label={translate('app.names.full_name')}>{record.fullName || '—'}</Row>
        <Row label={f('displayName')}>
          {record.displayName || '—'}
          <SourceOwnerChip record={record} field="displayName" />
        </Row>
        <Row label={f('familyName')}>
          {record.familyName || '—'}
          <SourceOwnerChip record={record} field="familyName" />
        </Row>
        <Row label={f('givenName')}>
          {record.givenName || '—'}
          <SourceOwnerChip record={record} field="givenName" />
        </Row>
        <Row label={f('middleName')}>
          {record.middleName || '—'}
          <SourceOwnerChip record={record} field="middleName" />
        </Row>
        <Row label={f('username')}>
          {record.username || '—'}
          <SourceOwnerChip record={record} field="username" />
        </Row>
        <Row label={f('email')}>
          {record.email || '—'}
          <SourceOwnerChip record={record} field="email" />
        </Row>
        <Row label={f('phone')}>
          {record.phone || '—'}
          <SourceOwnerChip record={record} field="phone" />
        </Row>
        <Row label={f('title')}>
          {record.title || '—'}
          <SourceOwnerChip record={record} field="title" />
        </Row>
        <Row label={f('status')}>
          <StatusChip status={record.status} testId="status" />
        </Row>
        <Row label={f('role')}>{translate(`app.role.${record.role ?? 'none'}`)}</Row>
        <Row label={f('loginMethod')}>{translate(`app.login_method.${record.loginMethod}`)}</Row>
        <Row label={f('coreAccount')}>{record.coreAccount || '—'}</Row>
        <Row label={f('lastLoginAt')}>{dateTime(record.lastLoginAt)}</Row>
      </Section>
      <Section title={translate('app.card.provenance')}>
        <Row label={f('source')}>{translate(`app.source.${record.source}`)}</Row>
        <Row label={f('externalId')}>{record.externalId}</Row>
        <Row label={f('sourceId')}>{record.sourceId}</Row>
        <Row label={f('hrSourceId')}>{record.hrSourceId}</Row>
        <Row label={f('employeeNumber')}>{record.employeeNumber}</Row>
        <Row label={f('hireDate')}>
          {record.hireDate ? date(record.hireDate) : '—'}
          <SourceOwnerChip record={record} field="hireDate" />
        </Row>
        <Row label={f('terminationDate')}>
          {record.terminationDate ? date(record.terminationDate) : '—'}
          <SourceOwnerChip record={record} field="terminationDate" />
        </Row>
        <Row label={f('addedBy')}>
          <PersonLink person={record.addedBy} />
        </Row>
        <Row label={f('initiatedBy')}>
          {record.initiatedByPerson ? (
            <PersonLink person={record.initiatedByPerson} />
          ) : (
            record.initiatedBy || '—'
          )}
        </Row>
        <Row label={f('createdAt')}>{dateTime(record.createdAt)}</Row>
        <Row label={f('updatedAt')}>{dateTime(record.updatedAt)}</Row>
      </Section>
      <Section title={translate('app.card.organization_spaces')}>
        <Row label={f('organizationId')}>
          {record.organization &&
            (canReadOrgs ? (
              <Link to={usersOf(record.organization.id)}>{record.organization.name}</Link>
            ) : (
              record.organization.name
            ))}
          <SourceOwnerChip record={record} field="organization" />
        </Row>
        {record.spaces !== null && (
          <Row label={translate('app.card.spaces')}>
            {record.spaces && record.spaces.length > 0
              ? record.spaces.map((space, index) => (
                  <span key={space.id}>
                    {index > 0 && ', '}
                    <Link to={`/spaces/${space.id}/show`}>{space.name}</Link>
                  </span>
                ))
              : translate('app.card.no_spaces')}
            <SourceOwnerChip record={record} field="spaces" />
          </Row>
        )}
      </Section>
      <PersonAccess record={record} />
      <Section title={translate('app.card.two_factor')}>
        <Row label={f('loginMethod')}>{translate(`app.login_method.${record.loginMethod}`)}</Row>
        <Row label={translate('app.card.two_factor')}>
          {record.secondFactor?.enrolled
            ? `${translate('app.card.two_factor_enrolled')} ${dateTime(record.secondFactor.enrolledAt)}`
            : translate('app.card.two_factor_not_enrolled')}
        </Row>
        <Box sx={{ color: 'text.secondary', fontSize: 13 }}>
          {translate('app.card.two_factor_help')}
        </Box>
      </Section>
      <Section title={translate('app.card.status_history')} wide>
        <StatusHistory record={record} />
      </Section>
      <CredentialDisclosures record={record} />
      {canReadSchedule && <PersonSchedule record={record} />}
      <SessionsPanel record={record} />
      <BackofficeRights record={record} />
      {canReadAudit && (
        <Section title={translate('app.card.audit')} wide>
          <AuditHistory />
        </Section>
      )}
    </Box>
  );
}

/**
 * A person's card: profile, provenance, organization, 2FA, status history, credential
 * disclosures, scheduled changes, sessions, audit.
 */
export default function UserShow() {
  return (
    <Show actions={<UserActions />} title={<Title />}>
      <Card />
    </Show>
  );
}

function Title() {
  const record = useRecordContext<UserRecord>();
  return <span>{record?.displayName ?? ''}</span>;
}
