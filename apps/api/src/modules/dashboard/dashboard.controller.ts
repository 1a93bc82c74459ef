import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiError } from '../../common/errors/api-error';
import { DashboardAssetsRepository } from './dashboard-assets.repository';

/**
 * Same-origin only: no inline script or style, no third party, no framing, no plugin, forms post here.
 * `connect-src` falls back to `'self'`, so the page can reach only this API.
 */
export const DASHBOARD_CSP =
  "default-src 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'; form-action 'self'";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // Small files: always revalidate (ETag), so a new release is seen at once.
  'Cache-Control': 'no-cache',
};

/**
 * The streamers' dashboard: `GET /` (the page) and `GET /dashboard/<file>` (its script, style and icon).
 * No auth here: the page asks for an API key and calls `/v1` with it.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(private readonly assets: DashboardAssetsRepository) {}

  @Get()
  page(@Req() request: Request, @Res() response: Response): void {
    this.send('index.html', request, response);
  }

  @Get('dashboard/:file')
  file(@Param('file') file: string, @Req() request: Request, @Res() response: Response): void {
    this.send(file, request, response);
  }

  private send(name: string, request: Request, response: Response): void {
    const asset = this.assets.find(name);
    if (!asset) throw ApiError.notFound('Dashboard file');
    response.set(SECURITY_HEADERS);
    response.set({ 'Content-Type': asset.contentType, ETag: asset.etag });
    if (request.headers['if-none-match'] === asset.etag) {
      response.status(304).end();
      return;
    }
    response.status(200).send(asset.body);
  }
}
