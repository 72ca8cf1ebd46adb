// Public face of server/crypto: the secret box for credentials at rest and random tokens with their hashes.
export {
  createSecretBox,
  loadOrCreateSecretKey,
  SecretBoxError,
  SECRET_KEY_BYTES,
  SECRET_KEY_FILE,
  type SecretBox,
} from './secret-box.js';
export { hashSecret, newSecretToken, SECRET_TOKEN_BYTES } from './tokens.js';
