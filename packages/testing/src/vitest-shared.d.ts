import type { UserConfig } from 'vitest/config';

export function sharedConfig(include?: string[]): UserConfig;
