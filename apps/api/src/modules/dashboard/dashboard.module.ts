import { Module } from '@nestjs/common';
import { DashboardAssetsRepository } from './dashboard-assets.repository';
import { DashboardController } from './dashboard.controller';

/** Serves the streamers' dashboard page at `/` (README "Dashboard"). */
@Module({ controllers: [DashboardController], providers: [DashboardAssetsRepository] })
export class DashboardModule {}
