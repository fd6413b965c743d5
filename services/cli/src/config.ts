// Where the CLI finds the API: flags win over the environment. The only module that reads process.env.
import { userInfo } from 'node:os';

export interface CliEnv {
  apiUrl?: string | undefined;
  token?: string | undefined;
  actor?: string | undefined;
}

export function envOf(env: Record<string, string | undefined> = process.env): CliEnv {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = undefined;
  }
  return {
    apiUrl: env.SUPPRESS_API_URL,
    token: env.SUPPRESS_API_TOKEN,
    actor: env.SUPPRESS_ACTOR ?? env.USER ?? user,
  };
}
