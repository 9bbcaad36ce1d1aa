/** Schema URNs served by the SCIM endpoint. */
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** Our extension for employment dates (YYYY-MM-DD, company time zone). */
export const HR_SCHEMA = 'urn:frisbee:params:scim:schemas:extension:hr:2.0:User';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SEARCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
/** Where the endpoint is mounted. */
export const SCIM_PREFIX = '/scim/v2';
