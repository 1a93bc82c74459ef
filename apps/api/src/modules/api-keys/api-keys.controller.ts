import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeysService, type ApiKeyJson, type CreatedApiKeyJson } from './api-keys.service';

@Controller('v1/api-keys')
@UseGuards(ApiKeyGuard)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** 201 with the secret, shown this once (only its SHA-256 hash is stored). */
  @Post()
  create(@OrganizationId() org: string, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyJson> {
    return this.keys.create(org, body.name);
  }

  @Get()
  list(@OrganizationId() org: string): Promise<{ items: ApiKeyJson[] }> {
    return this.keys.list(org);
  }

  /** The key is refused from the next request on (a request may delete the key it uses). */
  @Delete(':id')
  @HttpCode(204)
  remove(@OrganizationId() org: string, @Param('id') id: string): Promise<void> {
    return this.keys.remove(org, id);
  }
}
