// Composition root of the edge: its configuration, run on the service kit (run.ts).
import { exitOnFailure } from '@sp/runtime';
import { loadConfig } from './config';
import { runEdge } from './run';

exitOnFailure('edge', runEdge(loadConfig()));
