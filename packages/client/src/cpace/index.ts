export {
  CPACE_MAX_AD,
  type CpaceOptions,
  type CpaceResult,
  type CpaceRole,
  type CpaceSession,
  cpaceInit,
  deriveNoisePsk,
} from './cpace.ts';
export { lexicographicallyLarger, lvCat, oCat, parseLvCat, prependLen } from './encoding.ts';
export { CpaceError, type CpaceErrorCode } from './errors.ts';
export {
  calculateGenerator,
  DSI as CPACE_RISTRETTO255_DSI,
  generatorString,
  sampleScalar,
  scalarMult,
  scalarMultVfy,
} from './ristretto255.ts';
