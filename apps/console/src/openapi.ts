import { z } from 'zod';
import {
  API_RESPONSES,
  alertGroupActionBodySchema,
  apiErrorSchema,
  cardPreviewBodySchema,
  cardSampleBodySchema,
  createInhibitionRuleBodySchema,
  createNotificationObjectBodySchema,
  createNotificationPolicyBodySchema,
  createSilenceBodySchema,
  createTeamBodySchema,
  rotateTokenBodySchema,
  updateNotificationObjectBodySchema,
} from '@alertlark/contracts';
import { alertGroupListQuerySchema } from './alert-groups.controller';
import { alertListQuerySchema } from './alerts.controller';
import { deliveriesQuerySchema } from './deliveries.query';
import { notificationObjectListQuerySchema } from './notification-objects.controller';
import { pageQuerySchema } from './page-query';
import { silenceListQuerySchema } from './silences.controller';
import { dailyStatsQueryDocSchema } from './stats-daily.query';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** One route of the console API: what the document says about it. */
export interface ApiRoute {
  method: HttpMethod;
  /** Nest's spelling, `/api/v1/teams/:id`. */
  path: string;
  /** `admin`: ALERTLARK_ADMIN_TOKEN; `team`: a team's API token, scoping the request to it. */
  auth: 'admin' | 'team';
  summary: string;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The success status; the error statuses follow from auth, params, query and body. */
  status: 200 | 201 | 204;
  /** Extra error statuses besides 400/401/404 that follow from the route's shape. */
  errors?: number[];
}

/** Every route of the console under /api/v1. A unit test compares it with the controllers. */
export const API_ROUTES: readonly ApiRoute[] = [
  { method: 'post', path: '/api/v1/teams', auth: 'admin', summary: 'Create a team; its API and ingest tokens are in this answer only', body: createTeamBodySchema, status: 201 },
  { method: 'get', path: '/api/v1/teams', auth: 'admin', summary: 'List teams', status: 200 },
  { method: 'delete', path: '/api/v1/teams/:id', auth: 'admin', summary: 'Delete a team and everything it owns', status: 204 },
  { method: 'post', path: '/api/v1/teams/:id/tokens', auth: 'admin', summary: "Replace a team's API or ingest token (shown once); the old one stops working", body: rotateTokenBodySchema, status: 201 },
  { method: 'post', path: '/api/v1/team/tokens', auth: 'team', summary: "Replace the calling team's API or ingest token (shown once)", body: rotateTokenBodySchema, status: 201 },
  { method: 'post', path: '/api/v1/notification-objects', auth: 'team', summary: 'Create a chatbot; 409 limit_reached past the team cap (CONSOLE_TEAM_MAX_CHATBOTS)', body: createNotificationObjectBodySchema, status: 201, errors: [409] },
  { method: 'get', path: '/api/v1/notification-objects', auth: 'team', summary: 'List chatbots (q searches name and webhook host)', query: notificationObjectListQuerySchema, status: 200 },
  { method: 'get', path: '/api/v1/notification-objects/:id', auth: 'team', summary: 'One chatbot, token and secret masked', status: 200 },
  { method: 'put', path: '/api/v1/notification-objects/:id', auth: 'team', summary: "Update a chatbot; fields left out keep their value; 409 secret_unreadable when an app bot's stored credential does not open for it (save it again)", body: updateNotificationObjectBodySchema, status: 200, errors: [409] },
  { method: 'delete', path: '/api/v1/notification-objects/:id', auth: 'team', summary: 'Delete a chatbot; 409 object_in_use while a policy notifies it', status: 204, errors: [409] },
  { method: 'post', path: '/api/v1/notification-objects/:id/preview', auth: 'team', summary: 'The card the chatbot would get, not sent', body: cardSampleBodySchema, status: 200 },
  {
    method: 'post',
    path: '/api/v1/notification-objects/preview',
    auth: 'team',
    summary: 'The card a chatbot not saved yet would get (name, keywords and card config as on create), not sent; 400 for a config saving would refuse',
    body: cardPreviewBodySchema,
    status: 200,
  },
  { method: 'post', path: '/api/v1/notification-objects/:id/test', auth: 'team', summary: "Send a sample card now; 429 rate_limited past the webhook's budget (Lark: 5/s, 100/min per bot); 409 secret_unreadable when a sealed value does not open for this chatbot", body: cardSampleBodySchema, status: 200, errors: [409, 429, 502] },
  { method: 'post', path: '/api/v1/notification-policies', auth: 'team', summary: 'Create a policy; 409 limit_reached past the team cap (CONSOLE_TEAM_MAX_POLICIES)', body: createNotificationPolicyBodySchema, status: 201, errors: [409] },
  { method: 'get', path: '/api/v1/notification-policies', auth: 'team', summary: 'List policies', query: pageQuerySchema, status: 200 },
  { method: 'get', path: '/api/v1/notification-policies/:id', auth: 'team', summary: 'One policy', status: 200 },
  { method: 'put', path: '/api/v1/notification-policies/:id', auth: 'team', summary: 'Replace a policy', body: createNotificationPolicyBodySchema, status: 200 },
  { method: 'delete', path: '/api/v1/notification-policies/:id', auth: 'team', summary: 'Delete a policy', status: 204 },
  { method: 'post', path: '/api/v1/silences', auth: 'team', summary: 'Create a silence; 409 limit_reached past the team cap of pending or active silences (CONSOLE_TEAM_MAX_SILENCES)', body: createSilenceBodySchema, status: 201, errors: [409] },
  { method: 'get', path: '/api/v1/silences', auth: 'team', summary: 'List silences', query: silenceListQuerySchema, status: 200 },
  { method: 'get', path: '/api/v1/silences/:id', auth: 'team', summary: 'One silence', status: 200 },
  { method: 'delete', path: '/api/v1/silences/:id', auth: 'team', summary: 'Expire a silence', status: 200 },
  { method: 'post', path: '/api/v1/inhibition-rules', auth: 'team', summary: 'Create an inhibition rule; 409 limit_reached past the team cap (CONSOLE_TEAM_MAX_INHIBITION_RULES)', body: createInhibitionRuleBodySchema, status: 201, errors: [409] },
  { method: 'get', path: '/api/v1/inhibition-rules', auth: 'team', summary: 'List inhibition rules', query: pageQuerySchema, status: 200 },
  { method: 'get', path: '/api/v1/inhibition-rules/:id', auth: 'team', summary: 'One inhibition rule', status: 200 },
  { method: 'delete', path: '/api/v1/inhibition-rules/:id', auth: 'team', summary: 'Delete an inhibition rule', status: 204 },
  { method: 'get', path: '/api/v1/alerts', auth: 'team', summary: 'List alert states (group: one group key)', query: alertListQuerySchema, status: 200 },
  { method: 'get', path: '/api/v1/alerts/:fingerprint', auth: 'team', summary: 'One alert with its history', status: 200 },
  { method: 'get', path: '/api/v1/alert-groups', auth: 'team', summary: 'List alert groups by incident state', query: alertGroupListQuerySchema, status: 200 },
  { method: 'get', path: '/api/v1/alert-groups/:id', auth: 'team', summary: 'One alert group: labels, firing count, incident, handler, silence and action log', status: 200 },
  {
    method: 'post',
    path: '/api/v1/alert-groups/:id/actions',
    auth: 'team',
    summary: "Claim, unclaim, resolve or silence the group's incident: 200 with the router's decision, 202 while it is under way",
    body: alertGroupActionBodySchema,
    status: 200,
  },
  { method: 'get', path: '/api/v1/deliveries', auth: 'team', summary: "lark-sender's delivery attempts, newest first", query: deliveriesQuerySchema, status: 200 },
  { method: 'get', path: '/api/v1/stats/daily', auth: 'team', summary: "One chatbot's daily statistics", query: dailyStatsQueryDocSchema, status: 200 },
];

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiError' } } } });

/** JSON Schema of what a client sends (defaults optional, coercions as their input), or of what it gets. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** The documented success answer of a route (contracts' API_RESPONSES), if it has a body. */
export function responseSchemaOf(route: Pick<ApiRoute, 'method' | 'path'>): z.ZodType | undefined {
  return (API_RESPONSES as Record<string, z.ZodType>)[`${route.method.toUpperCase()} ${route.path}`];
}

export function toOpenApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function operation(route: ApiRoute) {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
  const querySchema = route.query ? jsonSchema(route.query) : undefined;
  const properties = (querySchema?.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((querySchema?.required as string[] | undefined) ?? []);
  const queryParams = Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    schema,
  }));
  const responses: Record<string, unknown> = {
    [route.status]: route.status === 204 ? { description: 'done, no content' } : { description: 'success', content: { 'application/json': { schema: jsonSchema(responseSchemaOf(route)!, 'output') } } },
    401: errorResponse('missing or wrong bearer token'),
    503: errorResponse('Kafka or MongoDB unavailable'),
  };
  if (route.body || route.query) responses[400] = errorResponse('validation failed; details names each problem');
  if (route.body) responses[413] = errorResponse('request body too large');
  if (pathParams.length > 0 || route.path === '/api/v1/stats/daily') responses[404] = errorResponse("not found (or another team's)");
  for (const status of route.errors ?? []) responses[status] = errorResponse('see summary');
  return {
    summary: route.summary,
    operationId: `${route.method}${toOpenApiPath(route.path).replace(/^\/api\/v1/, '').replace(/[^A-Za-z0-9]+(\w)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase())}`,
    tags: [route.path.split('/')[3]],
    security: [{ [route.auth === 'admin' ? 'adminToken' : 'teamApiToken']: [] }],
    parameters: [...pathParams, ...queryParams],
    ...(route.body ? { requestBody: { required: !/\/(preview|test)$/.test(route.path), content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of `GET /api/docs`, from the route table and the routes' own zod schemas. */
export function buildOpenApiDocument(routes: readonly ApiRoute[] = API_ROUTES) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[toOpenApiPath(route.path)] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: { title: 'Alertlark console API', version: '1' },
    paths,
    components: {
      securitySchemes: {
        adminToken: { type: 'http', scheme: 'bearer', description: 'ALERTLARK_ADMIN_TOKEN: team administration (/api/v1/teams)' },
        teamApiToken: { type: 'http', scheme: 'bearer', description: "a team's API token (alk_api_…); scopes every request to that team" },
      },
      schemas: { ApiError: jsonSchema(apiErrorSchema) },
    },
  };
}
