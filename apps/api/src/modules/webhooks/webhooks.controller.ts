import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
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
import { WebhookListSchema, WebhookSchema } from '../../openapi/resources.schema';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import type { WebhookJson } from './webhook.presenter';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@ApiErrors(401, 429)
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** 201 with the signing `secret`, shown this once. */
  @ApiOperation({ summary: 'Subscribe a URL to event notifications' })
  @ApiCreatedResponse({ type: WebhookSchema, description: 'With the signing secret, shown this once' })
  @ApiErrors(400)
  @Post()
  create(@OrganizationId() org: string, @Body() body: CreateWebhookDto): Promise<WebhookJson> {
    return this.webhooks.create(org, body);
  }

  @ApiOperation({ summary: "List the organization's webhooks" })
  @ApiOkResponse({ type: WebhookListSchema })
  @Get()
  async list(@OrganizationId() org: string): Promise<{ items: WebhookJson[] }> {
    return { items: await this.webhooks.list(org) };
  }

  @ApiOperation({ summary: 'Get a webhook and its recent deliveries' })
  @ApiOkResponse({ type: WebhookSchema })
  @ApiErrors(404)
  @Get(':id')
  get(@OrganizationId() org: string, @Param('id') id: string): Promise<WebhookJson> {
    return this.webhooks.get(org, id);
  }

  @ApiOperation({ summary: 'Change a webhook' })
  @ApiOkResponse({ type: WebhookSchema })
  @ApiErrors(400, 404)
  @Patch(':id')
  update(
    @OrganizationId() org: string,
    @Param('id') id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookJson> {
    return this.webhooks.update(org, id, body);
  }

  /** 200 with the new `secret`, shown this once; the old one still signs for 24 h. */
  @ApiOperation({
    summary: 'Rotate the signing secret',
    description:
      'Answers the new secret, shown this once. Until `previousSecretExpiresAt` (24 h) each delivery carries ' +
      'two signatures, `Relay-Signature: t=…,v1=<new>,v1=<old>`, so a receiver can switch without losing ' +
      'deliveries; after it, only the new one.',
  })
  @ApiOkResponse({ type: WebhookSchema, description: 'With the new signing secret, shown this once' })
  @ApiErrors(404)
  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotateSecret(@OrganizationId() org: string, @Param('id') id: string): Promise<WebhookJson> {
    return this.webhooks.rotateSecret(org, id);
  }

  @ApiOperation({ summary: 'Delete a webhook' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404)
  @Delete(':id')
  @HttpCode(204)
  remove(@OrganizationId() org: string, @Param('id') id: string): Promise<void> {
    return this.webhooks.remove(org, id);
  }
}
