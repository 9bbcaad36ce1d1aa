import SCIMMY from 'scimmy';
import { scimNotFound } from './errors.ts';
import { MAX_COUNT } from './params.ts';
import {
  ENTERPRISE_SCHEMA,
  GROUP_SCHEMA,
  HR_SCHEMA,
  LIST_SCHEMA,
  SCIM_PREFIX,
  USER_SCHEMA,
} from './urns.ts';

type Resource = Record<string, unknown>;

const dateAttribute = (name: string, description: string) => ({
  name,
  type: 'string',
  multiValued: false,
  description,
  required: false,
  caseExact: true,
  mutability: 'readWrite',
  returned: 'default',
  uniqueness: 'none',
});

/** Our HR extension, described by hand (scimmy only builds urn:ietf:params:scim:schemas:* ones). */
function hrSchema(origin: string): Resource {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
    id: HR_SCHEMA,
    name: 'HrUser',
    description: 'Employment dates (YYYY-MM-DD, in the company time zone) and suspension',
    attributes: [
      dateAttribute('hireDate', 'First working day: a person hired later stays pending until then'),
      dateAttribute('terminationDate', 'Last working day: the person is deactivated at its end'),
      {
        name: 'suspended',
        type: 'boolean',
        multiValued: false,
        description:
          'A leave of absence or an investigation: true cuts the person off and keeps their memberships; false lifts a suspension SCIM made',
        required: false,
        mutability: 'readWrite',
        returned: 'default',
      },
    ],
    meta: { resourceType: 'Schema', location: `${origin}${SCIM_PREFIX}/Schemas/${HR_SCHEMA}` },
  };
}

/** The schemas we serve (scimmy's RFC definitions for the standard ones). */
export function schemas(origin: string): Resource[] {
  const base = `${origin}${SCIM_PREFIX}/Schemas`;
  return [
    SCIMMY.Schemas.User.definition.describe(base) as unknown as Resource,
    SCIMMY.Schemas.EnterpriseUser.definition.describe(base) as unknown as Resource,
    SCIMMY.Schemas.Group.definition.describe(base) as unknown as Resource,
    hrSchema(origin),
  ];
}

/** The two resource types, Users with both extensions. */
export function resourceTypes(origin: string): Resource[] {
  const type = (id: string, endpoint: string, schema: string, extensions: string[]) => ({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id,
    name: id,
    endpoint,
    description: id === 'User' ? 'People' : 'Spaces',
    schema,
    schemaExtensions: extensions.map((urn) => ({ schema: urn, required: false })),
    meta: { resourceType: 'ResourceType', location: `${origin}${SCIM_PREFIX}/ResourceTypes/${id}` },
  });
  return [
    type('User', '/Users', USER_SCHEMA, [ENTERPRISE_SCHEMA, HR_SCHEMA]),
    type('Group', '/Groups', GROUP_SCHEMA, []),
  ];
}

/** RFC 7643 §5: what this service provider supports. */
export function serviceProviderConfig(origin: string): Resource {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${origin}/docs/scim.md`,
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_COUNT },
    changePassword: { supported: false },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: 'Authorization: Bearer <token> (made by a superadmin or configured)',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${origin}${SCIM_PREFIX}/ServiceProviderConfig`,
    },
  };
}

/** A list of discovery resources (no paging: there are few). */
export function discoveryList(resources: Resource[]): Resource {
  return {
    schemas: [LIST_SCHEMA],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** One discovery resource by id (case-insensitive), or 404. */
export function discoveryOne(resources: Resource[], id: string): Resource {
  const found = resources.find((r) => String(r.id).toLowerCase() === id.toLowerCase());
  if (!found) throw scimNotFound(`${id} not found`);
  return found;
}
