import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Where the Swagger UI is served; the JSON description is at `${OPENAPI_PATH}-json`. */
export const OPENAPI_PATH = 'docs';

/**
 * Serves the OpenAPI 3 description generated from the controllers' and DTOs' decorators: the UI at
 * `/docs` and the JSON at `/docs-json`, without auth.
 */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Restream Relay API')
    .setDescription(
      'REST API v1 of Restream Relay. Authenticate with `Authorization: Bearer <api key>`. ' +
        'Every error answers `{ "error": { "code", "message", "details?" } }`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key, e.g. rrk_…' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: `${OPENAPI_PATH}-json` });
}
