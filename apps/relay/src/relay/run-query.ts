import { toDatabaseError } from '@relay/prisma';

/** Runs one relay query or transaction; a Prisma error comes out as DatabaseError (see toDatabaseError). */
export async function runQuery<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw toDatabaseError(error);
  }
}
