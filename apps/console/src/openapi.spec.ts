import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { CONSOLE_CONTROLLERS } from './console.module';
import { API_RESPONSES } from '@alertlark/contracts';
import { API_ROUTES, buildOpenApiDocument, responseSchemaOf, toOpenApiPath } from './openapi';

/** `get /api/v1/teams/:id` for every HTTP route the controllers declare. */
function controllerRoutes(): string[] {
  const routes: string[] = [];
  for (const controller of CONSOLE_CONTROLLERS) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
    const prototype = controller.prototype as unknown as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler = prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      const sub = String(Reflect.getMetadata(PATH_METADATA, handler) ?? '/');
      const path = `/${[base, sub].map((part) => part.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
      routes.push(`${RequestMethod[method].toLowerCase()} ${path}`);
    }
  }
  return routes;
}

interface Operation {
  security: unknown;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content: Record<string, { schema: unknown }> }>;
}

describe('OpenAPI document', () => {
  it('lists exactly the routes the controllers serve under /api/v1', () => {
    const served = controllerRoutes().filter((route) => route.split(' ')[1]!.startsWith('/api/v1/')).sort();
    const documented = API_ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    expect(documented).toEqual(served);
    expect(controllerRoutes()).toContain('get /api/docs');
  });

  it('is OpenAPI 3.1 with path and query parameters, bodies, bearer schemes and the error shape', () => {
    const document = buildOpenApiDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['adminToken', 'teamApiToken']);
    expect(document.components.schemas.ApiError).toMatchObject({ type: 'object', required: ['error', 'message'] });
    const paths = document.paths as unknown as Record<string, Record<string, Operation>>;
    const rotate = paths[toOpenApiPath('/api/v1/teams/:id/tokens')]!.post;
    expect(rotate.security).toEqual([{ adminToken: [] }]);
    expect(rotate.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    expect(rotate.requestBody.content['application/json']!.schema).toMatchObject({ properties: { kind: { enum: ['api', 'ingest'] } } });
    expect(Object.keys(rotate.responses).sort()).toEqual(['201', '400', '401', '404', '413', '503']);
    const list = paths['/api/v1/notification-objects']!.get;
    expect(list.security).toEqual([{ teamApiToken: [] }]);
    expect(list.parameters.map((parameter) => parameter.name).sort()).toEqual(['limit', 'offset', 'q']);
    expect(list.parameters.every((parameter) => !parameter.required)).toBe(true);
    const stats = paths['/api/v1/stats/daily']!.get;
    expect(stats.parameters).toContainEqual(expect.objectContaining({ name: 'objectId', required: true }));
    for (const methods of Object.values(paths)) {
      for (const op of Object.values(methods)) expect(op.responses['401']!.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/ApiError' });
    }
  });

  it('documents the success answer of every route that has one, and no answer for a route that has none', () => {
    const withBody = API_ROUTES.filter((route) => route.status !== 204);
    for (const route of API_ROUTES) expect({ route: `${route.method} ${route.path}`, documented: responseSchemaOf(route) !== undefined }).toEqual({ route: `${route.method} ${route.path}`, documented: route.status !== 204 });
    expect(Object.keys(API_RESPONSES).sort()).toEqual(withBody.map((route) => `${route.method.toUpperCase()} ${route.path}`).sort());
    const paths = buildOpenApiDocument().paths as unknown as Record<string, Record<string, Operation>>;
    const chatbot = paths[toOpenApiPath('/api/v1/notification-objects/:id')]!.get.responses['200']!.content['application/json']!.schema;
    expect(chatbot).toMatchObject({ type: 'object', additionalProperties: false, properties: { secret: { anyOf: [{ const: '****' }, { type: 'null' }] } } });
    expect(Object.keys((chatbot as { properties: object }).properties)).not.toContain('webhookUrlEncrypted');
  });
});
