// SNN Lab's wasm SIMD kernels (AssemblyScript), compiled by scripts/build-kernels.mjs to dist/wasm/snn-kernels.wasm
// and, with relaxed SIMD (fused multiply-add), to dist/wasm/snn-kernels-relaxed.wasm. The module imports
// tfjs-backend-wasm's linear memory and works on its tensors and on buffers the trainer allocates there: matrix
// products without XNNPACK's per-call weight packing, SELU and Adam as tfjs kernels (src/trainer/wasmKernels.ts),
// and the fused layer, loss and optimiser kernels of the MLP training step (src/trainer/wasmMlp.ts); see
// docs/performance.md. Pointers are byte offsets into that memory; every array is float32, row-major. No static
// data and no allocation: the module must not write anywhere but the outputs it is given.
export { columnSums, matmul, scratchBytes } from './products';
export { adam, addDecay, momentum, rmsprop, selu, seluGrad, sgd, sumSquaredDiff, sumSquares } from './pointwise';
export { layerForward, movingMoments } from './layers';
export { layerBackward } from './backprop';
export { meanSquaredError, softmaxCrossEntropy } from './loss';
export { countNear, deadUnits, distribution, statsScratchBytes, weightMoments } from './statistics';
