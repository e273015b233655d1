import fc from "fast-check";

// Property tests draw their cases from one fixed seed, so that CI runs the same cases on every machine and
// a failure reproduces. FC_SEED=<n> (or FC_SEED=random) explores other cases locally.
const requested = process.env.FC_SEED;
if (requested !== "random")
  fc.configureGlobal({ seed: requested === undefined ? 20271129 : Number(requested) });
