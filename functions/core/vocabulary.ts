/**
 * The words every part of the domain shares: priorities, channels, the values a
 * custom field can hold. Kept apart so that case types, workflows and the case
 * lifecycle can all use them without importing each other.
 */
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CHANNELS = ['web', 'email', 'chat', 'social', 'phone', 'partner', 'iot', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

export type FieldValue = string | number | boolean | string[];
