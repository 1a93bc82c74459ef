import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUrl } from 'class-validator';

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** POST /v1/billing/checkout-session: the plan to subscribe to and where Stripe sends the buyer back. */
export class CheckoutSessionDto {
  @ApiProperty({ enum: ['creator', 'pro'], example: 'pro' })
  @IsIn(['creator', 'pro'])
  plan!: 'creator' | 'pro';

  @ApiProperty({ example: 'https://app.example.com/billing/done' })
  @IsUrl(URL_OPTIONS)
  successUrl!: string;

  @ApiProperty({ example: 'https://app.example.com/billing' })
  @IsUrl(URL_OPTIONS)
  cancelUrl!: string;
}

/** POST /v1/billing/portal-session: where the customer portal sends the customer back. */
export class PortalSessionDto {
  @ApiProperty({ example: 'https://app.example.com/billing' })
  @IsUrl(URL_OPTIONS)
  returnUrl!: string;
}
