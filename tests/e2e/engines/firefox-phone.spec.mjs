// The phone layout in Firefox ESR (headless, through geckodriver). Run: npm run test:firefox
import { phoneTests } from './phone.mjs';

phoneTests('firefox');
