-- AlterTable
ALTER TABLE "destinations" ADD COLUMN     "passphrase_cipher" TEXT;

