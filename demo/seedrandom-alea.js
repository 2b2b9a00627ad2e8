// The part of seedrandom the engine uses (src/random/rng.ts calls seedrandom.alea), for the
// browser builds: vite.config.ts points `seedrandom` here, leaving out its five other generators.
import alea from 'seedrandom/lib/alea.js';

export default { alea };
