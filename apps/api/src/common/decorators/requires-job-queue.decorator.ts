import { SetMetadata } from '@nestjs/common';

/** Metadata key set by {@link RequiresJobQueue}. */
export const REQUIRES_JOB_QUEUE = 'relay:requires-job-queue';

/**
 * Marks a route whose action reaches the relay through the job queue (Redis). While Redis is away,
 * JobQueueInterceptor answers 503 before the handler runs, so nothing is half done: no database change
 * that the relay never hears of. Routes without it (reads, creating an event) keep working.
 */
export const RequiresJobQueue = (): MethodDecorator & ClassDecorator => SetMetadata(REQUIRES_JOB_QUEUE, true);
