// The detector registry: every group of detectors, in the order ties are broken.

import type { Detector } from '../detector.js';
import { AI_DETECTORS } from './ai.js';
import { CLOUD_DETECTORS } from './cloud.js';
import { FORGE_DETECTORS } from './forges.js';
import { GENERIC_DETECTORS } from './generic.js';
import { SAAS_DETECTORS } from './saas.js';
import { STRUCTURAL_DETECTORS } from './structural.js';

export const DETECTORS: readonly Detector[] = [
  ...AI_DETECTORS,
  ...CLOUD_DETECTORS,
  ...FORGE_DETECTORS,
  ...SAAS_DETECTORS,
  ...STRUCTURAL_DETECTORS,
  // generic last: it loses every overlap anyway, and ties go to the earlier group
  ...GENERIC_DETECTORS,
];
