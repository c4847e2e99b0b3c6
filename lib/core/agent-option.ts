import type http from 'node:http';
import type https from 'node:https';
import { assertKnownKeys, optionsObject } from './option-checks.js';

/** The `agent` option: Node agents for `http:` and `https:` endpoints (a proxy agent, say). */
export interface AgentOptions {
  http?: http.Agent | undefined;
  https?: https.Agent | undefined;
}

const AGENT_KEYS = ['http', 'https'] as const;

/** The `agent` option: an object whose `http` and `https`, when given, are Node agents (they have `addRequest`). */
export function agentOption(value: unknown): { agent?: AgentOptions } {
  if (value === undefined) return {};
  const agent = optionsObject(value, 'agent');
  assertKnownKeys(agent, AGENT_KEYS, 'agent.');
  for (const key of AGENT_KEYS) {
    const given = agent[key];
    if (given === undefined) continue;
    const agentLike = typeof given === 'object' && given !== null && typeof (given as { addRequest?: unknown }).addRequest === 'function';
    if (!agentLike) throw new TypeError(`"agent.${key}" must be an http.Agent (such as hpagent's proxy agents)`);
  }
  const { http, https } = agent as AgentOptions;
  return { agent: { ...(http ? { http } : {}), ...(https ? { https } : {}) } };
}
