import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Post,
  type RawBodyRequest,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { Request } from 'express';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { RequiresJobQueue } from '../../common/decorators/requires-job-queue.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { BillingService, type BillingStatusJson } from './billing.service';
import { CheckoutSessionDto, PortalSessionDto } from './dto/billing-session.dto';
import { StripeWebhookService } from './stripe-webhook.service';

@Controller('v1/billing')
export class BillingController {
  constructor(
    private readonly billing: BillingService,
    private readonly webhooks: StripeWebhookService,
  ) {}

  /** The organization's plan and its limits. */
  @Get()
  @UseGuards(ApiKeyGuard)
  status(@OrganizationId() org: string): Promise<BillingStatusJson> {
    return this.billing.status(org);
  }

  @Post('checkout-session')
  @UseGuards(ApiKeyGuard)
  checkout(
    @OrganizationId() org: string,
    @Body() body: CheckoutSessionDto,
  ): Promise<{ id: string; url: string }> {
    return this.billing.checkout(org, body.plan, body.successUrl, body.cancelUrl);
  }

  @Post('portal-session')
  @UseGuards(ApiKeyGuard)
  portal(
    @OrganizationId() org: string,
    @Body() body: PortalSessionDto,
  ): Promise<{ id: string; url: string }> {
    return this.billing.portal(org, body.returnUrl);
  }

  /** Stripe's webhook endpoint: authenticated by its signature over the raw body, not by an API key. */
  @Post('webhook')
  @HttpCode(200)
  @RequiresJobQueue()
  async webhook(
    @Req() request: RawBodyRequest<Request>,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<{ received: true; duplicate: boolean }> {
    const { duplicate } = await this.webhooks.receive(request.rawBody, signature);
    return { received: true, duplicate };
  }
}
