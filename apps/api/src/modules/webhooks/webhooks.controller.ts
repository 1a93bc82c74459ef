import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import type { WebhookJson } from './webhook.presenter';
import { WebhooksService } from './webhooks.service';

@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  /** 201 with the signing `secret`, shown this once. */
  @Post()
  create(@OrganizationId() org: string, @Body() body: CreateWebhookDto): Promise<WebhookJson> {
    return this.webhooks.create(org, body);
  }

  @Get()
  async list(@OrganizationId() org: string): Promise<{ items: WebhookJson[] }> {
    return { items: await this.webhooks.list(org) };
  }

  @Get(':id')
  get(@OrganizationId() org: string, @Param('id') id: string): Promise<WebhookJson> {
    return this.webhooks.get(org, id);
  }

  @Patch(':id')
  update(
    @OrganizationId() org: string,
    @Param('id') id: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookJson> {
    return this.webhooks.update(org, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@OrganizationId() org: string, @Param('id') id: string): Promise<void> {
    return this.webhooks.remove(org, id);
  }
}
