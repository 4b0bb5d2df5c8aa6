// The end-to-end core in Firefox ESR (headless, through geckodriver). Run: npm run test:firefox
import { coreTests } from './core.mjs';

coreTests('firefox');
