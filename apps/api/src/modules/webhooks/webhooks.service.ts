import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EnvironmentVariables, StreamKeySecrets } from '@relay/config';
import { webhookUrlProblem } from '@relay/contracts';
import { ApiError, ApiErrorCode } from '../../common/errors/api-error';
import { isUuid } from '../../common/validation/is-uuid';
import type { CreateWebhookDto } from './dto/create-webhook.dto';
import type { UpdateWebhookDto } from './dto/update-webhook.dto';
import { presentWebhook, type WebhookJson } from './webhook.presenter';
import { WebhooksRepository } from './webhooks.repository';

/** Webhook endpoints an organization may register. */
export const MAX_WEBHOOKS_PER_ORGANIZATION = 20;
/** After a secret rotation, deliveries are signed with the old secret too for this long, ms (24 h). */
export const WEBHOOK_SECRET_ROTATION_GRACE_MS = 24 * 3600_000;

/** A new endpoint signing secret: `whsec_` and 256 random bits, base64url. */
function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Outgoing webhook endpoints of the caller's organization; another organization's id is not found. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly config: EnvironmentVariables,
    private readonly keys: StreamKeySecrets,
  ) {}

  /** @throws ApiError validation_failed (URL), conflict (too many endpoints). */
  async create(organizationId: string, dto: CreateWebhookDto): Promise<WebhookJson> {
    this.checkUrl(dto.url);
    const secret = newSecret();
    const created = await this.webhooks.createWithin(organizationId, MAX_WEBHOOKS_PER_ORGANIZATION, {
      url: dto.url,
      events: dto.events,
      description: dto.description ?? null,
      secretCipher: this.keys.cipher.encrypt(secret),
    });
    if (!created) {
      throw new ApiError(
        ApiErrorCode.Conflict,
        `An organization has at most ${MAX_WEBHOOKS_PER_ORGANIZATION} webhooks: delete one first`,
      );
    }
    return presentWebhook(created, { secret });
  }

  /**
   * A new signing secret, shown this once; for {@link WEBHOOK_SECRET_ROTATION_GRACE_MS} deliveries carry
   * a signature with the new and one with the old secret (`t=…,v1=<new>,v1=<old>`), then the new only.
   *
   * @throws ApiError not_found (unknown or another organization's endpoint)
   */
  async rotateSecret(organizationId: string, id: string): Promise<WebhookJson> {
    const secret = newSecret();
    const previousUntil = new Date(Date.now() + WEBHOOK_SECRET_ROTATION_GRACE_MS);
    const cipher = this.keys.cipher;
    const rotated =
      isUuid(id) &&
      (await this.webhooks.rotateSecret(organizationId, id, cipher.encrypt(secret), previousUntil, (clear) =>
        cipher.encrypt(clear),
      ));
    if (!rotated) throw ApiError.notFound(`Webhook ${id.slice(0, 64)}`);
    return presentWebhook(rotated, { secret });
  }

  async list(organizationId: string): Promise<WebhookJson[]> {
    return (await this.webhooks.list(organizationId)).map((w) => presentWebhook(w));
  }

  /** The endpoint with its recent deliveries. */
  async get(organizationId: string, id: string): Promise<WebhookJson> {
    const endpoint = isUuid(id) ? await this.webhooks.find(organizationId, id) : null;
    if (!endpoint) throw ApiError.notFound(`Webhook ${id.slice(0, 64)}`);
    return presentWebhook(endpoint, { deliveries: await this.webhooks.recentDeliveries(endpoint.id) });
  }

  async update(organizationId: string, id: string, dto: UpdateWebhookDto): Promise<WebhookJson> {
    if (dto.url !== undefined) this.checkUrl(dto.url);
    const updated =
      isUuid(id) &&
      (await this.webhooks.update(organizationId, id, {
        ...(dto.url !== undefined ? { url: dto.url } : {}),
        ...(dto.events !== undefined ? { events: dto.events } : {}),
        ...(dto.description !== undefined ? { description: dto.description } : {}),
        ...(dto.enabled !== undefined ? { enabled: dto.enabled } : {}),
      }));
    if (!updated) throw ApiError.notFound(`Webhook ${id.slice(0, 64)}`);
    return presentWebhook(updated);
  }

  async remove(organizationId: string, id: string): Promise<void> {
    const deleted = isUuid(id) && (await this.webhooks.delete(organizationId, id));
    if (!deleted) throw ApiError.notFound(`Webhook ${id.slice(0, 64)}`);
  }

  private checkUrl(url: string): void {
    const problem = webhookUrlProblem(url, this.config.WEBHOOKS_ALLOW_PRIVATE_URLS);
    if (problem) {
      const message = `url ${problem}`;
      throw new ApiError(ApiErrorCode.ValidationFailed, message, [
        { field: 'url', rule: 'isWebhookUrl', message },
      ]);
    }
  }
}
