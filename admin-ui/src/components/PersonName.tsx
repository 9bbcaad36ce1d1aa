import { Box } from '@mui/material';
import { useTranslate } from 'react-admin';
import { Link } from 'react-router-dom';
import type { ActorKind } from '../api/types';
import { sourceName } from './sourceName';

/** A person as the API refers to them: an id with their names. */
export interface NamedPerson {
  id: string;
  displayName?: string | null;
  fullName?: string | null;
}

/** The name a list shows: «Фамилия Имя Отчество», else the display name. */
export function nameOf(person: Omit<NamedPerson, 'id'>): string {
  return person.fullName || person.displayName || '';
}

/** A link to a person's card, by «Фамилия Имя Отчество»; rows do not open when it is clicked. */
export function PersonLink({ person }: { person: NamedPerson | null | undefined }) {
  if (!person) return <>—</>;
  const name = nameOf(person) || person.id;
  return (
    <Link
      to={`/users/${person.id}/show`}
      onClick={(event) => event.stopPropagation()}
      title={person.displayName && person.displayName !== name ? person.displayName : undefined}
    >
      {name}
    </Link>
  );
}

/** Labels the service gives to its own work, shown as words (app.names.system_actor). */
const KNOWN_LABELS = new Set([
  'system',
  'cli',
  'scheduler',
  'schedule',
  'watch',
  'reconcile',
  'invitations',
  'scim-client',
  'core-client',
  'sso',
]);

/**
 * Who did something, as an audit event or a status change records it: a person by name with a
 * link to their card (and their login then, small), anything else as a word for its kind with
 * its label («Источник: corp-ad», «Система: планировщик»).
 */
export function ActorName({
  id,
  label,
  kind,
  name,
}: {
  id: string | null;
  label: string;
  kind: ActorKind;
  /** The person's current full name, when known. */
  name?: string | null;
}) {
  const translate = useTranslate();
  if (id) {
    return (
      <span>
        <PersonLink person={{ id, fullName: name || label }} />
        {name && name !== label && (
          <Box component="span" sx={{ display: 'block', fontSize: 11, opacity: 0.6 }}>
            {label}
          </Box>
        )}
      </span>
    );
  }
  return <span data-actor-kind={kind}>{actorWords(label, kind, translate)}</span>;
}

/**
 * An actor that is not a person, in words: its kind and what it was («Источник: Кадровый
 * файл», «Система: планировщик»); `anonymous` needs no detail, the kind says it all.
 */
export function actorWords(
  label: string,
  kind: ActorKind,
  translate: (key: string, options?: Record<string, unknown>) => string,
): string {
  const detail = KNOWN_LABELS.has(label)
    ? translate(`app.names.system_actor.${label.replace('-', '_')}`)
    : label === 'anonymous'
      ? ''
      : kind === 'source'
        ? sourceName(label.replace(/^source:/, ''), translate)
        : label.replace(/^scim:/, '');
  const word = translate(`app.names.actor_kind.${kind}`);
  return detail ? `${word}: ${detail}` : word;
}
