#!/usr/bin/env node
// The headless command line. In a checkout, `npm run cli -- <args>` builds first.
import '../dist/cli.mjs'
