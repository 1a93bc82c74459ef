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
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { OrganizationId } from '../../common/decorators/organization-id.decorator';
import { RequiresJobQueue } from '../../common/decorators/requires-job-queue.decorator';
import { ApiKeyGuard } from '../../common/guards/api-key.guard';
import { ApiErrors } from '../../openapi/api-error.schema';
import {
  BillingStatusSchema,
  StripeSessionSchema,
  StripeWebhookAckSchema,
} from '../../openapi/resources.schema';
import { BillingService, type BillingStatusJson } from './billing.service';
import { CheckoutSessionDto, PortalSessionDto } from './dto/billing-session.dto';
import { StripeWebhookService } from './stripe-webhook.service';

@ApiTags('billing')
@Controller('v1/billing')
export class BillingController {
  constructor(
    private readonly billing: BillingService,
    private readonly webhooks: StripeWebhookService,
  ) {}

  /** The organization's plan and its limits. */
  @ApiOperation({ summary: "The organization's plan and its limits" })
  @ApiBearerAuth()
  @ApiOkResponse({ type: BillingStatusSchema })
  @ApiErrors(401, 429)
  @Get()
  @UseGuards(ApiKeyGuard)
  status(@OrganizationId() org: string): Promise<BillingStatusJson> {
    return this.billing.status(org);
  }

  @ApiOperation({ summary: 'Open a Stripe Checkout session to subscribe to a plan' })
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: StripeSessionSchema })
  @ApiErrors(400, 401, 409, 429, 503)
  @Post('checkout-session')
  @UseGuards(ApiKeyGuard)
  checkout(
    @OrganizationId() org: string,
    @Body() body: CheckoutSessionDto,
  ): Promise<{ id: string; url: string }> {
    return this.billing.checkout(org, body.plan, body.successUrl, body.cancelUrl);
  }

  @ApiOperation({ summary: 'Open a Stripe customer portal session' })
  @ApiBearerAuth()
  @ApiCreatedResponse({ type: StripeSessionSchema })
  @ApiErrors(400, 401, 404, 429, 503)
  @Post('portal-session')
  @UseGuards(ApiKeyGuard)
  portal(
    @OrganizationId() org: string,
    @Body() body: PortalSessionDto,
  ): Promise<{ id: string; url: string }> {
    return this.billing.portal(org, body.returnUrl);
  }

  /** Stripe's webhook endpoint: authenticated by its signature over the raw body, not by an API key. */
  @ApiOperation({ summary: "Stripe's webhook endpoint, authenticated by its signature over the raw body" })
  @ApiHeader({ name: 'stripe-signature', required: true })
  @ApiOkResponse({ type: StripeWebhookAckSchema })
  @ApiErrors(400, 503)
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
