import { Injectable } from '@nestjs/common';
import { ApiError } from '../../common/errors/api-error';
import { isUuid } from '../../common/validation/is-uuid';
import { generateApiKeySecret } from './api-key-secret';
import { ApiKeysRepository, type ApiKeyRecord } from './api-keys.repository';

/** An API key as the REST API v1 lists it. */
export interface ApiKeyJson {
  id: string;
  name: string;
  /** The start of the secret (`rrk_` + 4 characters), to recognise a key; never enough to use it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Answer of `POST /v1/api-keys`: the one time the secret is shown. */
export interface CreatedApiKeyJson extends Omit<ApiKeyJson, 'lastUsedAt'> {
  secret: string;
}

/** The organization's API keys: created (secret shown once), listed, deleted (refused at once). */
@Injectable()
export class ApiKeysService {
  constructor(private readonly keys: ApiKeysRepository) {}

  async create(organizationId: string, name: string): Promise<CreatedApiKeyJson> {
    const secret = generateApiKeySecret();
    const key = await this.keys.create(organizationId, name, secret);
    const { id, name: keyName, prefix, createdAt } = present(key);
    return { id, name: keyName, prefix, createdAt, secret };
  }

  async list(organizationId: string): Promise<{ items: ApiKeyJson[] }> {
    return { items: (await this.keys.list(organizationId)).map(present) };
  }

  /** @throws ApiError not_found for unknown ids and other organizations' ids alike. */
  async remove(organizationId: string, id: string): Promise<void> {
    const deleted = isUuid(id) && (await this.keys.delete(organizationId, id));
    if (!deleted) throw ApiError.notFound(`API key ${id.slice(0, 64)}`);
  }
}

function present(key: ApiKeyRecord): ApiKeyJson {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  };
}
