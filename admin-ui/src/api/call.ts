import {
  API_OPERATIONS,
  type ApiBodies,
  type ApiQueries,
  type ApiResponses,
} from './generated/openapi';
import { API_BASE, api } from './http';
import { operationPath } from './paths';

/** An operation of the service's API, by its operationId (the OpenAPI document's). */
export type Operation = keyof typeof API_OPERATIONS;

type PathOf<Op extends Operation> = (typeof API_OPERATIONS)[Op]['path'];

/** The names of a path template's `{name}` parameters. */
type ParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;

type ParamsPart<Op extends Operation> = [ParamNames<PathOf<Op>>] extends [never]
  ? { params?: undefined }
  : { params: Record<ParamNames<PathOf<Op>>, string> };
type BodyPart<Op extends Operation> = Op extends keyof ApiBodies
  ? { body: ApiBodies[Op] }
  : { body?: undefined };
type QueryPart<Op extends Operation> = Op extends keyof ApiQueries
  ? { query?: ApiQueries[Op] }
  : { query?: undefined };

/**
 * What a call of `Op` sends, as the service's document declares it: the path's parameters, the
 * JSON body (required where the operation takes one) and the query.
 */
export type CallRequest<Op extends Operation> = ParamsPart<Op> & BodyPart<Op> & QueryPart<Op>;

/** What a call of `Op` answers: its success body (undefined where it has none, as a 204). */
export type CallResponse<Op extends Operation> = Op extends keyof ApiResponses
  ? ApiResponses[Op]
  : undefined;

/** The arguments after the operation: none where nothing is required. */
type CallArguments<Op extends Operation> =
  Record<string, never> extends CallRequest<Op>
    ? [request?: CallRequest<Op>]
    : [request: CallRequest<Op>];

/**
 * A list the service requires to hold at least one item (a bulk change, new members): the
 * console offers those actions only on a selection, so an empty one is a bug, refused here
 * before it is sent.
 */
export function nonEmpty<T>(items: T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('an empty selection cannot be sent');
  return [first, ...rest];
}

/**
 * The address of an operation for a link the browser follows (a download): its path with the
 * parameters and query filled in, below the API's base.
 */
export function operationUrl<Op extends Operation>(
  operation: Op,
  ...[request]: CallArguments<Op>
): string {
  return `${API_BASE}${operationPath(API_OPERATIONS[operation].path, request?.params, request?.query)}`;
}

/**
 * Calls one operation of the service by its operationId: the method and path come from the
 * generated document (API_OPERATIONS), so a call cannot pair an answer's type with another
 * route's method or path, nor send a body or query the route does not declare. Errors as
 * {@link api} throws them.
 */
export function call<Op extends Operation>(
  operation: Op,
  ...[request]: CallArguments<Op>
): Promise<CallResponse<Op>> {
  const { method, path } = API_OPERATIONS[operation];
  return api<CallResponse<Op>>(
    method,
    operationPath(path, request?.params, request?.query),
    request?.body,
  );
}
