// Composition root of the API process: its configuration, run on the service kit (run.ts).
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { runApi } from './run';

exitOnFailure('suppression-api', runApi(loadConfig()));
