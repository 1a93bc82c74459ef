import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { ApiErrors } from '../../openapi/api-error.schema';
import { ApiKeyListSchema, CreatedApiKeySchema } from '../../openapi/resources.schema';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeysService, type ApiKeyJson, type CreatedApiKeyJson } from './api-keys.service';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiErrors(401, 429)
@Controller('v1/api-keys')
@UseGuards(ApiKeyGuard)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** 201 with the secret, shown this once (only its SHA-256 hash is stored). */
  @ApiOperation({ summary: 'Create an API key; its secret is shown this once' })
  @ApiCreatedResponse({ type: CreatedApiKeySchema })
  @ApiErrors(400)
  @Post()
  create(@OrganizationId() org: string, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyJson> {
    return this.keys.create(org, body.name);
  }

  @ApiOperation({ summary: "List the organization's API keys (never their secrets)" })
  @ApiOkResponse({ type: ApiKeyListSchema })
  @Get()
  list(@OrganizationId() org: string): Promise<{ items: ApiKeyJson[] }> {
    return this.keys.list(org);
  }

  /** The key is refused from the next request on (a request may delete the key it uses). */
  @ApiOperation({ summary: 'Delete an API key; it is refused from the next request on' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404)
  @Delete(':id')
  @HttpCode(204)
  remove(@OrganizationId() org: string, @Param('id') id: string): Promise<void> {
    return this.keys.remove(org, id);
  }
}
