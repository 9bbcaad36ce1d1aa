import type { CorePerson } from '../../../outbox/events.ts';
import type { EjabberdApi } from './api.ts';

/** The vCard (XEP-0054) fields the service owns for a person; absent values are empty. */
export interface PersonVcard {
  fn: string;
  family: string;
  given: string;
  middle: string;
  title: string;
  orgName: string;
  orgUnit: string;
  email: string;
  phone: string;
}

/** The person's vCard as the service owns it. */
export function personVcard(person: CorePerson, organizationName: string): PersonVcard {
  return {
    fn: person.displayName,
    family: person.familyName,
    given: person.givenName,
    middle: person.middleName ?? '',
    title: person.title ?? '',
    orgName: organizationName,
    orgUnit: person.organization?.name ?? '',
    email: person.email ?? '',
    phone: person.phone ?? '',
  };
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** XML-escapes text and attribute values. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

const element = (name: string, text: string) =>
  text === '' ? '' : `<${name}>${xmlEscape(text)}</${name}>`;

/** The `<vCard/>` element; the photo (set by the person from their client) is carried over. */
export function vcardXml(
  card: PersonVcard,
  photo: { type: string; binval: string } | null,
): string {
  const org = element('ORGNAME', card.orgName) + element('ORGUNIT', card.orgUnit);
  return [
    "<vCard xmlns='vcard-temp'>",
    element('FN', card.fn),
    `<N>${element('FAMILY', card.family)}${element('GIVEN', card.given)}${element('MIDDLE', card.middle)}</N>`,
    element('TITLE', card.title),
    org === '' ? '' : `<ORG>${org}</ORG>`,
    card.email === '' ? '' : `<EMAIL><INTERNET/><PREF/>${element('USERID', card.email)}</EMAIL>`,
    card.phone === '' ? '' : `<TEL><WORK/><VOICE/>${element('NUMBER', card.phone)}</TEL>`,
    photo ? `<PHOTO>${element('TYPE', photo.type)}${element('BINVAL', photo.binval)}</PHOTO>` : '',
    '</vCard>',
  ].join('');
}

async function field(api: EjabberdApi, user: string, host: string, name: string, subname: string) {
  const answer = await api.call('get_vcard2', { user, host, name, subname });
  const content = (answer.body as { content?: unknown } | null)?.content;
  return answer.status === 200 && typeof content === 'string' ? content : '';
}

/**
 * Replaces the whole vCard in one call: an `<iq type='set'>` from the account to itself, routed
 * by `send_stanza` to ejabberd's own vCard handler (it works while the person is offline).
 * Field-by-field `set_vcard2` would take nine calls, lose updates when two run at once, and in
 * 23.01 writes TEL as `<TEL><NUMBER/><NUMBER>…</NUMBER></TEL>`, which readers see as empty.
 * `fresh`: the account was just registered, so there is no photo to keep.
 */
export async function writeVcard(
  api: EjabberdApi,
  user: string,
  host: string,
  card: PersonVcard,
  fresh = false,
): Promise<void> {
  let photo: { type: string; binval: string } | null = null;
  if (!fresh) {
    const binval = await field(api, user, host, 'PHOTO', 'BINVAL');
    if (binval !== '') photo = { type: await field(api, user, host, 'PHOTO', 'TYPE'), binval };
  }
  const jid = xmlEscape(`${user}@${host}`);
  await api.ok('send_stanza', {
    from: `${user}@${host}`,
    to: `${user}@${host}`,
    stanza: `<iq type='set' id='frisbee-vcard' from='${jid}' to='${jid}'>${vcardXml(card, photo)}</iq>`,
  });
}

/** Reads fields back through `get_vcard`/`get_vcard2` (tests, checks). */
export async function readVcard(
  api: EjabberdApi,
  user: string,
  host: string,
): Promise<PersonVcard> {
  const one = async (name: string) => {
    const answer = await api.call('get_vcard', { user, host, name });
    const content = (answer.body as { content?: unknown } | null)?.content;
    return answer.status === 200 && typeof content === 'string' ? content : '';
  };
  return {
    fn: await one('FN'),
    family: await field(api, user, host, 'N', 'FAMILY'),
    given: await field(api, user, host, 'N', 'GIVEN'),
    middle: await field(api, user, host, 'N', 'MIDDLE'),
    title: await one('TITLE'),
    orgName: await field(api, user, host, 'ORG', 'ORGNAME'),
    orgUnit: await field(api, user, host, 'ORG', 'ORGUNIT'),
    email: await field(api, user, host, 'EMAIL', 'USERID'),
    phone: await field(api, user, host, 'TEL', 'NUMBER'),
  };
}
