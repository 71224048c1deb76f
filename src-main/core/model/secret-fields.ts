/**
 * One connection's secret. Several providers need more than one secret value per connection (Vipps:
 * client secret + subscription key), so a secret is a small object of named text fields.
 */
export type SecretFields = Record<string, string>;
