import { createHash } from 'node:crypto';

/** Hex SHA-256 of bytes: the checksum the file store verifies on upload. */
export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
