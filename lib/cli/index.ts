#!/usr/bin/env node
/**
 * `npx passport-login-with-amazon <command>`: `fake` starts the fake Login with Amazon for trying
 * an app without an Amazon account; `check` says whether `LoginWithAmazonStrategy` would accept a
 * token, and why not. Exit codes: 0 done/accepted, 1 refused, 2 usage, network or Amazon error.
 */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
