import { IsIn, IsUrl } from 'class-validator';

const URL_OPTIONS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/** POST /v1/billing/checkout-session: the plan to subscribe to and where Stripe sends the buyer back. */
export class CheckoutSessionDto {
  @IsIn(['creator', 'pro'])
  plan!: 'creator' | 'pro';

  @IsUrl(URL_OPTIONS)
  successUrl!: string;

  @IsUrl(URL_OPTIONS)
  cancelUrl!: string;
}

/** POST /v1/billing/portal-session: where the customer portal sends the customer back. */
export class PortalSessionDto {
  @IsUrl(URL_OPTIONS)
  returnUrl!: string;
}
