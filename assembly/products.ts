// Matrix products and column sums of SNN Lab's wasm kernels (exported through kernels.ts). Every multiply-add of
// the inner loops is madd (simd.ts): fused in the relaxed-SIMD build.
import { madd } from './simd';

// Matrix products. C[m×n] = A'·B' (+ bias), where A'(i, p) is read at a + i·aRow + p·aK and B'(p, j) at
// b + p·bRow + j·bCol (byte strides): a row-major m×k A has aRow 4k, aK 4, and Aᵀ of a stored k×m matrix has
// aRow 4, aK 4m; likewise for B' (k×n: bRow 4n, bCol 4; Bᵀ of a stored n×k: bRow 4, bCol 4k). B' is first copied
// into 8-column panels, each k×8 contiguous (a cheap O(k·n) pass: the product is O(m·k·n)), so the inner loop reads
// B sequentially; the 4×8 register tile (8 accumulators, 2 B vectors, 1 broadcast) fits x86-64's 16 SIMD
// registers without spills. Measured 35 GFLOP/s at 128×256·256×256, against 28 unpacked (docs/performance.md).

/** Rows of a k-block: a B panel slice of KB×8 floats (8 KB) stays in L1 while the A rows stream past it. */
const KB = 256;

/** A 4×8 tile of C over k rows of its panel; starts from the bias, or from C itself when `accumulate`. */
@inline function tile4x8(pa: usize, rs: usize, ks: usize, pb: usize, k: i32, pc: usize, rowC: usize, bias: v128, bias1: v128, accumulate: bool): void {
  let c00 = bias, c01 = bias1, c10 = bias, c11 = bias1, c20 = bias, c21 = bias1, c30 = bias, c31 = bias1;
  if (accumulate) {
    c00 = v128.load(pc);
    c01 = v128.load(pc, 16);
    c10 = v128.load(pc + rowC);
    c11 = v128.load(pc + rowC, 16);
    c20 = v128.load(pc + 2 * rowC);
    c21 = v128.load(pc + 2 * rowC, 16);
    c30 = v128.load(pc + 3 * rowC);
    c31 = v128.load(pc + 3 * rowC, 16);
  }
  const rs2 = rs + rs;
  const rs3 = rs2 + rs;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(pa + rs);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(pa + rs2);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(pa + rs3);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    pa += ks;
    pb += 32;
  }
  v128.store(pc, c00);
  v128.store(pc, c01, 16);
  pc += rowC;
  v128.store(pc, c10);
  v128.store(pc, c11, 16);
  pc += rowC;
  v128.store(pc, c20);
  v128.store(pc, c21, 16);
  pc += rowC;
  v128.store(pc, c30);
  v128.store(pc, c31, 16);
}

@inline function tile1x8(pa: usize, ks: usize, pb: usize, k: i32, pc: usize, bias: v128, bias1: v128, accumulate: bool): void {
  let c0 = accumulate ? v128.load(pc) : bias;
  let c1 = accumulate ? v128.load(pc, 16) : bias1;
  for (let p = 0; p < k; p++) {
    const x = v128.load32_splat(pa);
    c0 = madd(x, v128.load(pb), c0);
    c1 = madd(x, v128.load(pb, 16), c1);
    pa += ks;
    pb += 32;
  }
  v128.store(pc, c0);
  v128.store(pc, c1, 16);
}

/** Columns q…q+3 of four rows as the rows of their transpose (a 4×4 transpose in 8 shuffles). */
@inline function storeTransposed(dst: usize, r0: v128, r1: v128, r2: v128, r3: v128, offset: usize): void {
  const a = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const b = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const c = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const d = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst + offset, v128.shuffle<f32>(a, b, 0, 1, 4, 5));
  v128.store(dst + offset + 32, v128.shuffle<f32>(a, b, 2, 3, 6, 7));
  v128.store(dst + offset + 64, v128.shuffle<f32>(c, d, 0, 1, 4, 5));
  v128.store(dst + offset + 96, v128.shuffle<f32>(c, d, 2, 3, 6, 7));
}

/**
 * Copies the first n8 columns of B' into k×8 panels at `panels` (panel q at panels + q·32k): row by row when B'
 * rows are contiguous (bCol 4); for Bᵀ of a stored matrix (bRow 4: each panel is the transpose of 8 stored rows)
 * by 4×4 transposes; otherwise value by value.
 */
function pack(b: usize, bRow: usize, bCol: usize, k: i32, n8: i32, panels: usize): void {
  let dst = panels;
  const k4 = k & ~3;
  for (let j = 0; j < n8; j += 8) {
    let src = b + <usize>j * bCol;
    if (bCol == 4) {
      for (let p = 0; p < k; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
        src += bRow;
      }
      continue;
    }
    let p = 0;
    if (bRow == 4) {
      for (; p < k4; p += 4) {
        const at = src + (<usize>p << 2);
        const r0 = v128.load(at);
        const r1 = v128.load(at + bCol);
        const r2 = v128.load(at + 2 * bCol);
        const r3 = v128.load(at + 3 * bCol);
        storeTransposed(dst, r0, r1, r2, r3, 0);
        const r4 = v128.load(at + 4 * bCol);
        const r5 = v128.load(at + 5 * bCol);
        const r6 = v128.load(at + 6 * bCol);
        const r7 = v128.load(at + 7 * bCol);
        storeTransposed(dst, r4, r5, r6, r7, 16);
        dst += 128;
      }
    }
    for (; p < k; p++) {
      const at = src + <usize>p * bRow;
      for (let q = 0; q < 8; q++) store<f32>(dst + (<usize>q << 2), load<f32>(at + <usize>q * bCol));
      dst += 32;
    }
  }
}

/**
 * Bytes of scratch `matmul` needs for C[m×n] = A'·B' over k: the B panels (the last zero-padded), a 4×8 tile, 8
 * biases, and a packed copy of A' (used when A' is a transposed matrix).
 */
export function scratchBytes(m: i32, k: i32, n: i32): i32 {
  return k * ((n + 7) & ~7) * 4 + 160 + (m & ~3) * k * 4;
}

/**
 * Packs A' for the 4-row tiles: the four values a tile reads per p (A'(i…i+3, p)) are stored together, one
 * contiguous k×4 block per row tile, so every tile reads its A sequentially, 16 bytes per p (measured ~45 GFLOP/s
 * against ~32 reading four strided rows or a stored row per p). A transposed A (aRow 4: A'(i, p) = A(p, i), rows
 * i…i+3 adjacent) is copied 16 bytes at a time; a row-major A (aK 4) by 4×4 transposes; other strides value by value.
 */
function packA(a: usize, aRow: usize, aK: usize, m4: i32, k: i32, dst: usize): void {
  const k4 = k & ~3;
  for (let i = 0; i < m4; i += 4) {
    const src = a + <usize>i * aRow;
    let p = 0;
    if (aRow == 4) {
      for (; p < k; p++) v128.store(dst + (<usize>p << 4), v128.load(src + <usize>p * aK));
    } else if (aK == 4) {
      for (; p < k4; p += 4) {
        const at = src + (<usize>p << 2);
        storeTransposed4(dst + (<usize>p << 4), v128.load(at), v128.load(at + aRow), v128.load(at + 2 * aRow), v128.load(at + 3 * aRow));
      }
    }
    for (; p < k; p++) {
      const at = src + <usize>p * aK;
      for (let q = 0; q < 4; q++) store<f32>(dst + (<usize>p << 4) + (<usize>q << 2), load<f32>(at + <usize>q * aRow));
    }
    dst += <usize>k << 4;
  }
}

/** The transpose of four rows r0…r3 (4 values each) as four consecutive vectors at dst. */
@inline function storeTransposed4(dst: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const a = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const b = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const c = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const d = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(a, b, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(a, b, 2, 3, 6, 7), 16);
  v128.store(dst, v128.shuffle<f32>(c, d, 0, 1, 4, 5), 32);
  v128.store(dst, v128.shuffle<f32>(c, d, 2, 3, 6, 7), 48);
}

/**
 * The last n − n8 (1–7) columns, at vector speed: B' copied into one zero-padded k×8 panel, each tile computed into
 * an 8-wide temporary `tmp` (with the bias, padded, after it) and its valid columns copied to C.
 */
function tailColumns(a: usize, aRow: usize, aK: usize, b: usize, bRow: usize, bCol: usize, c: usize, bias: usize, m: i32, k: i32, n: i32, panel: usize, tmp: usize): void {
  const n8 = n & ~7;
  const w = n - n8;
  let dst = panel;
  let src = b + <usize>n8 * bCol;
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < 8; q++) store<f32>(dst + (<usize>q << 2), q < w ? load<f32>(src + <usize>q * bCol) : 0);
    dst += 32;
    src += bRow;
  }
  const tb = tmp + 128;
  for (let q = 0; q < 8; q++) store<f32>(tb + (<usize>q << 2), bias && q < w ? load<f32>(bias + (<usize>(n8 + q) << 2)) : 0);
  const bias0 = v128.load(tb);
  const bias1 = v128.load(tb, 16);
  const rowC = <usize>n << 2;
  const out = c + (<usize>n8 << 2);
  const m4 = m & ~3;
  let i = 0;
  for (; i < m4; i += 4) {
    tile4x8(a + <usize>i * aRow, aRow, aK, panel, k, tmp, 32, bias0, bias1, false);
    for (let r = 0; r < 4; r++) {
      for (let q = 0; q < w; q++) store<f32>(out + <usize>(i + r) * rowC + (<usize>q << 2), load<f32>(tmp + (<usize>r << 5) + (<usize>q << 2)));
    }
  }
  for (; i < m; i++) {
    tile1x8(a + <usize>i * aRow, aK, panel, k, tmp, bias0, bias1, false);
    for (let q = 0; q < w; q++) store<f32>(out + <usize>i * rowC + (<usize>q << 2), load<f32>(tmp + (<usize>q << 2)));
  }
}

/** C = A'·B' + bias (bias = 0: none), with `scratch` of at least scratchBytes(m, k, n). See the section comment. */
export function matmul(a: usize, aRow: usize, aK: usize, b: usize, bRow: usize, bCol: usize, c: usize, bias: usize, m: i32, k: i32, n: i32, scratch: usize): void {
  const rowC = <usize>n << 2;
  const n8 = n & ~7;
  const m4 = m & ~3;
  const zero = f32x4.splat(0);
  pack(b, bRow, bCol, k, n8, scratch);
  const panelBytes = <usize>k << 5;
  // The 4-row tiles read A' from its packed copy after the panels, the tile and the biases (when there is a 4-row
  // tile and more than one column panel to reuse it; a single panel reads A' once anyway).
  const packedA = m4 > 0 && n8 > 8;
  const aPacked = scratch + <usize>((n + 7) >> 3) * panelBytes + 160;
  if (packedA) packA(a, aRow, aK, m4, k, aPacked);
  // k in blocks of KB rows: C holds the partial sums between blocks (the same float32 values the registers had,
  // so the summation order and the result are those of one pass).
  for (let p0 = 0; p0 < k; p0 += KB) {
    const kb = min<i32>(KB, k - p0);
    const pa0 = a + <usize>p0 * aK;
    // Tile i's packed block starts at aPacked + i·k·4 (4 rows × k values); within it p advances 16 bytes.
    const tileRow: usize = packedA ? <usize>k << 2 : aRow;
    const tileA = packedA ? aPacked + (<usize>p0 << 4) : pa0;
    const tileRs: usize = packedA ? 4 : aRow;
    const tileKs: usize = packedA ? 16 : aK;
    for (let j = 0; j < n8; j += 8) {
      const o = <usize>j << 2;
      const pb = scratch + (<usize>(j >> 3)) * panelBytes + (<usize>p0 << 5);
      const bias0 = bias ? v128.load(bias + o) : zero;
      const bias1 = bias ? v128.load(bias + o, 16) : zero;
      let i = 0;
      if (p0 == 0) {
        for (; i < m4; i += 4) tile4x8(tileA + <usize>i * tileRow, tileRs, tileKs, pb, kb, c + <usize>i * rowC + o, rowC, bias0, bias1, false);
        for (; i < m; i++) tile1x8(pa0 + <usize>i * aRow, aK, pb, kb, c + <usize>i * rowC + o, bias0, bias1, false);
      } else {
        for (; i < m4; i += 4) tile4x8(tileA + <usize>i * tileRow, tileRs, tileKs, pb, kb, c + <usize>i * rowC + o, rowC, bias0, bias1, true);
        for (; i < m; i++) tile1x8(pa0 + <usize>i * aRow, aK, pb, kb, c + <usize>i * rowC + o, bias0, bias1, true);
      }
    }
  }
  if (n8 < n) {
    const panel = scratch + (<usize>(n8 >> 3)) * panelBytes;
    tailColumns(a, aRow, aK, b, bRow, bCol, c, bias, m, k, n, panel, panel + panelBytes);
  }
}

/** out[j] = Σᵢ x[i, j] for x rows×cols (the bias gradient). */
export function columnSums(x: usize, out: usize, rows: i32, cols: i32): void {
  const cols4 = cols & ~3;
  const row = <usize>cols << 2;
  for (let j = 0; j < cols; j++) store<f32>(out + (<usize>j << 2), 0);
  for (let i = 0; i < rows; i++) {
    const pr = x + <usize>i * row;
    let j = 0;
    for (; j < cols4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(pr + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(pr + o));
    }
  }
}
