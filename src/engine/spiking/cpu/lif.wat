;; The CPU reference's neuron update (docs/spiking-engine.md, the step schedule 1–2) in
;; WebAssembly, for Node (CLI, benchmarks, tests). It is cpuSim.ts's `updatePopulation`
;; operation for operation: WebAssembly's f32 arithmetic rounds each operation to float32 as
;; the JavaScript twin's Math.fround does, and never fuses a multiply–add.
;;
;; Why: in V8 the JavaScript loop spends ~35 ns a neuron, most of it in Math.exp and the
;; float32 roundings; Brian2's C++ loop spends ~8 ns a neuron and synapse events together.
;; Here four neurons go at a time (SIMD), and exp is a float64 polynomial whose result is
;; rounded to float32 only where that rounding is certain: the rare argument whose float64
;; value lies within 2^−40 (relative) of a float32 rounding boundary calls the imported
;; Math.exp instead, so the result is always f32(Math.exp(x)), the JavaScript twin's value,
;; bit for bit (test/unit/lifWasm.test.ts).
;;
;; Memory (imported, laid out by lifWasm.ts): bytes [0, 256) hold the table 2^(j/32),
;; j = 0 … 31, as float64, bytes [256, 272) a Philox block, [512, 880) the SIMD constants
;; (`init`); the simulation's arrays follow from byte 1024 at the offsets passed to the
;; functions.
;; Generated into lifWasmBytes.ts by `npm run gen:wasm` (wabt); a test checks it is current.
(module
  (import "m" "mem" (memory 1))
  (import "m" "exp" (func $js_exp (param f64) (result f64)))

  ;; the first neuron whose V became non-finite in the last `update`, or −1
  (global $bad (export "bad") (mut i32) (i32.const -1))

  ;; f32(exp(x)) for a float32 x: exp(x) = 2^m · 2^(j/32) · e^r, k = 32m + j = round(32x/ln 2),
  ;; |r| ≤ ln2/64, e^r by its Taylor polynomial of degree 5 (remainder < 2^−48). The float64
  ;; result is within ~2^−46 of exp(x) (the reduction's rounding at |x| ≤ 87 is < 2^−47).
  (func $exp_f32 (param $x f32) (result f32)
    (local $xd f64) (local $kf f64) (local $k i32) (local $r f64) (local $y f64) (local $yf f32)
    (local.set $xd (f64.promote_f32 (local.get $x)))
    ;; outside ±87 (float32 overflow, subnormals) and NaN: Math.exp
    (if (i32.eqz (f64.le (f64.abs (local.get $xd)) (f64.const 87)))
      (then (return (f32.demote_f64 (call $js_exp (local.get $xd))))))
    (local.set $kf (f64.nearest (f64.mul (local.get $xd) (f64.const 46.16624130844683))))
    (local.set $k (i32.trunc_f64_s (local.get $kf)))
    (local.set $r (f64.sub (local.get $xd) (f64.mul (local.get $kf) (f64.const 0.021660849392498290))))
    ;; 1 + r + r²/2 + r³/6 + r⁴/24 + r⁵/120 (Horner)
    (local.set $y
      (f64.add (f64.const 1)
        (f64.mul (local.get $r)
          (f64.add (f64.const 1)
            (f64.mul (local.get $r)
              (f64.add (f64.const 0.5)
                (f64.mul (local.get $r)
                  (f64.add (f64.const 0.16666666666666666)
                    (f64.mul (local.get $r)
                      (f64.add (f64.const 0.041666666666666664)
                        (f64.mul (local.get $r) (f64.const 0.008333333333333333))))))))))))
    ;; · 2^(j/32) (table) · 2^m (built from the exponent bits; m ∈ [−126, 126] here)
    (local.set $y
      (f64.mul
        (f64.mul (local.get $y)
          (f64.load (i32.shl (i32.and (local.get $k) (i32.const 31)) (i32.const 3))))
        (f64.reinterpret_i64
          (i64.shl
            (i64.extend_i32_s (i32.add (i32.shr_s (local.get $k) (i32.const 5)) (i32.const 1023)))
            (i64.const 52)))))
    (local.set $yf (f32.demote_f64 (local.get $y)))
    ;; certain rounding: y·(1 ± 2^−40) round to the same float32
    (if (i32.and
          (f32.eq (f32.demote_f64 (f64.mul (local.get $y) (f64.const 1.0000000000009095)))
                  (local.get $yf))
          (f32.eq (f32.demote_f64 (f64.mul (local.get $y) (f64.const 0.9999999999990905)))
                  (local.get $yf)))
      (then (return (local.get $yf))))
    (f32.demote_f64 (call $js_exp (local.get $xd))))

  ;; Steps 1–2 for neurons [start, end) of one population at step k (cpuSim.ts,
  ;; updatePopulation), one neuron at a time: last step's fixed-point jumps enter g, V
  ;; integrates by exponential Euler (V∞ + (V − V∞)·e^(−dt·g_tot/C)) unless refractory or
  ;; silenced, the conductances decay, and spikes are appended to the list at index ns.
  ;; Returns the new spike count; a non-finite V is not a spike and is reported in $bad (the
  ;; first such neuron, if $bad is still −1).
  (func $update_scalar
    (param $start i32) (param $end i32) (param $k i32) (param $ns i32)
    ;; byte offsets of the arrays
    (param $pV i32) (param $pGE i32) (param $pGI i32) (param $pAE i32) (param $pAI i32)
    (param $pLast i32) (param $pIext i32) (param $pSil i32) (param $pSpiked i32) (param $pList i32)
    ;; the population's constants (float32, as cpuSim.ts's popConsts)
    (param $gL f32) (param $gLEL f32) (param $VE f32) (param $VI f32) (param $Vth f32)
    (param $dtC f32) (param $dE f32) (param $dI f32) (param $Ibg f32) (param $nRef i32)
    (param $uE f32) (param $uI f32)
    (result i32)
    (local $i i32) (local $o i32) (local $ae i32) (local $ai i32)
    (local $ge f32) (local $gi f32) (local $gtot f32) (local $vinf f32) (local $vn f32)
    (local $spike i32)
    (local.set $i (local.get $start))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $end)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        ;; g ← g + acc·2^−shift (the product is exact: a power of two)
        (local.set $ae (i32.load (i32.add (local.get $pAE) (local.get $o))))
        (local.set $ai (i32.load (i32.add (local.get $pAI) (local.get $o))))
        (local.set $ge (f32.load (i32.add (local.get $pGE) (local.get $o))))
        (local.set $gi (f32.load (i32.add (local.get $pGI) (local.get $o))))
        (if (local.get $ae)
          (then (local.set $ge (f32.add (local.get $ge)
                  (f32.mul (f32.convert_i32_s (local.get $ae)) (local.get $uE))))))
        (if (local.get $ai)
          (then (local.set $gi (f32.add (local.get $gi)
                  (f32.mul (f32.convert_i32_s (local.get $ai)) (local.get $uI))))))
        (i32.store (i32.add (local.get $pAE) (local.get $o)) (i32.const 0))
        (i32.store (i32.add (local.get $pAI) (local.get $o)) (i32.const 0))
        (local.set $spike (i32.const 0))
        ;; not refractory (k − last ≥ nRef, in 64 bits: last may be NEVER) and not silenced
        (if (i32.and
              (i64.ge_s
                (i64.sub (i64.extend_i32_s (local.get $k))
                         (i64.extend_i32_s (i32.load (i32.add (local.get $pLast) (local.get $o)))))
                (i64.extend_i32_s (local.get $nRef)))
              (i32.eqz (i32.load8_u (i32.add (local.get $pSil) (local.get $i)))))
          (then
            (local.set $gtot (f32.add (f32.add (local.get $gL) (local.get $ge)) (local.get $gi)))
            ;; V∞ = (gL·EL + gE·VE + (gI·VI + I)) / g_tot, I = I_bg + I_ext
            (local.set $vinf
              (f32.div
                (f32.add
                  (f32.add (local.get $gLEL) (f32.mul (local.get $ge) (local.get $VE)))
                  (f32.add (f32.mul (local.get $gi) (local.get $VI))
                           (f32.add (local.get $Ibg)
                                    (f32.load (i32.add (local.get $pIext) (local.get $o))))))
                (local.get $gtot)))
            (local.set $vn
              (f32.add (local.get $vinf)
                (f32.mul
                  (f32.sub (f32.load (i32.add (local.get $pV) (local.get $o))) (local.get $vinf))
                  (call $exp_f32 (f32.neg (f32.mul (local.get $dtC) (local.get $gtot)))))))
            (f32.store (i32.add (local.get $pV) (local.get $o)) (local.get $vn))
            (if (f32.lt (f32.abs (local.get $vn)) (f32.const inf))
              (then (local.set $spike (f32.gt (local.get $vn) (local.get $Vth))))
              (else (if (i32.lt_s (global.get $bad) (i32.const 0))
                      (then (global.set $bad (local.get $i))))))))
        (f32.store (i32.add (local.get $pGE) (local.get $o)) (f32.mul (local.get $ge) (local.get $dE)))
        (f32.store (i32.add (local.get $pGI) (local.get $o)) (f32.mul (local.get $gi) (local.get $dI)))
        (i32.store8 (i32.add (local.get $pSpiked) (local.get $i)) (local.get $spike))
        (if (local.get $spike)
          (then
            (i32.store (i32.add (local.get $pList) (i32.shl (local.get $ns) (i32.const 2)))
                       (local.get $i))
            (local.set $ns (i32.add (local.get $ns) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $ns))

  ;; The same update four neurons at a time (WebAssembly SIMD), then one at a time for the last
  ;; n mod 4. Every lane computes exactly what $update_scalar computes for its neuron (the same
  ;; float32 operations; refractory and silenced lanes keep V and do not spike). The work is
  ;; split in three passes over the population (conductances and V∞; e^x; V and spikes): in
  ;; one pass the loop body's dependency chain (~100 cycles, mostly the exp) is longer than
  ;; the processor's reorder window can overlap, and the loop ran at a third of its throughput.
  ;; pS1, pS2: scratch float32 arrays indexed like V (V∞; x = −dt·g_tot/C, then e^x).
  (func (export "update")
    (param $start i32) (param $end i32) (param $k i32) (param $ns i32)
    (param $pV i32) (param $pGE i32) (param $pGI i32) (param $pAE i32) (param $pAI i32)
    (param $pLast i32) (param $pIext i32) (param $pSil i32) (param $pSpiked i32) (param $pList i32)
    (param $gL f32) (param $gLEL f32) (param $VE f32) (param $VI f32) (param $Vth f32)
    (param $dtC f32) (param $dE f32) (param $dI f32) (param $Ibg f32) (param $nRef i32)
    (param $uE f32) (param $uI f32) (param $pS1 i32) (param $pS2 i32)
    (result i32)
    (local $i i32) (local $o i32) (local $e4 i32) (local $kr i32) (local $m i32) (local $l i32)
    (local $sure i32)
    (local $ae v128) (local $ai v128) (local $ge v128) (local $gi v128) (local $act v128)
    (local $gtot v128) (local $vinf v128) (local $x v128) (local $ylo v128) (local $yhi v128)
    (local $ef v128) (local $vold v128) (local $vn v128) (local $bad4 v128)
    (local $sgL v128) (local $sgLEL v128) (local $sVE v128) (local $sVI v128) (local $sVth v128)
    (local $sdtC v128) (local $sdE v128) (local $sdI v128) (local $sIbg v128) (local $suE v128)
    (local $suI v128)
    (local $xdlo v128) (local $tlo v128) (local $rlo v128) (local $r2lo v128) (local $r4lo v128)
    (local $xdhi v128) (local $thi v128) (local $rhi v128) (local $r2hi v128) (local $r4hi v128)
    (local
    $c2 v128) (local
    $c7 v128) (local
    $cUp v128) (global.set $bad (i32.const -1))
    (local.set $sgL (f32x4.splat (local.get $gL))) (local.set $sgLEL (f32x4.splat (local.get $gLEL)))
    (local.set $sVE (f32x4.splat (local.get $VE))) (local.set $sVI (f32x4.splat (local.get $VI)))
    (local.set $sVth (f32x4.splat (local.get $Vth))) (local.set $sdtC (f32x4.splat (local.get $dtC)))
    (local.set $sdE (f32x4.splat (local.get $dE))) (local.set $sdI (f32x4.splat (local.get $dI)))
    (local.set $sIbg (f32x4.splat (local.get $Ibg))) (local.set $suE (f32x4.splat (local.get $uE)))
    (local.set $suI (f32x4.splat (local.get $uI)))
    ;; not refractory: k − last ≥ nRef ⇔ last ≤ k − nRef (no overflow: k ≥ 0, last ≥ NEVER)
    (local.set $kr (i32.sub (local.get $k) (local.get $nRef)))
    ;; the groups of four start at start, start + 4, …, e4
    (local.set $e4 (i32.sub (local.get $end) (i32.const 4)))
    ;; 1. conductances: the jumps enter, V∞ and x = −dt·g_tot/C are kept, g decays
    (local.set $i (local.get $start))
    (block $doneA
      (loop $nextA
        (br_if $doneA (i32.gt_s (local.get $i) (local.get $e4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $ae (v128.load (i32.add (local.get $pAE) (local.get $o))))
        (local.set $ai (v128.load (i32.add (local.get $pAI) (local.get $o))))
        ;; g ← g + acc·2^−shift where acc ≠ 0 (a select: g + 0 would turn −0 into +0)
        (local.set $ge (v128.load (i32.add (local.get $pGE) (local.get $o))))
        (local.set $gi (v128.load (i32.add (local.get $pGI) (local.get $o))))
        (local.set $ge
          (v128.bitselect
            (f32x4.add (local.get $ge) (f32x4.mul (f32x4.convert_i32x4_s (local.get $ae)) (local.get $suE)))
            (local.get $ge)
            (i32x4.ne (local.get $ae) (v128.const i32x4 0 0 0 0))))
        (local.set $gi
          (v128.bitselect
            (f32x4.add (local.get $gi) (f32x4.mul (f32x4.convert_i32x4_s (local.get $ai)) (local.get $suI)))
            (local.get $gi)
            (i32x4.ne (local.get $ai) (v128.const i32x4 0 0 0 0))))
        (v128.store (i32.add (local.get $pAE) (local.get $o)) (v128.const i32x4 0 0 0 0))
        (v128.store (i32.add (local.get $pAI) (local.get $o)) (v128.const i32x4 0 0 0 0))
        (local.set $gtot (f32x4.add (f32x4.add (local.get $sgL) (local.get $ge)) (local.get $gi)))
        ;; V∞ = (gL·EL + gE·VE + (gI·VI + I)) / g_tot, I = I_bg + I_ext
        (v128.store (i32.add (local.get $pS1) (local.get $o))
          (f32x4.div
            (f32x4.add
              (f32x4.add (local.get $sgLEL) (f32x4.mul (local.get $ge) (local.get $sVE)))
              (f32x4.add (f32x4.mul (local.get $gi) (local.get $sVI))
                         (f32x4.add (local.get $sIbg)
                                    (v128.load (i32.add (local.get $pIext) (local.get $o))))))
            (local.get $gtot)))
        (v128.store (i32.add (local.get $pS2) (local.get $o))
          (f32x4.neg (f32x4.mul (local.get $sdtC) (local.get $gtot))))
        (v128.store (i32.add (local.get $pGE) (local.get $o)) (f32x4.mul (local.get $ge) (local.get $sdE)))
        (v128.store (i32.add (local.get $pGI) (local.get $o)) (f32x4.mul (local.get $gi) (local.get $sdI)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $nextA)))
    ;; 2. e^x, in float64, by Taylor polynomials in Estrin's scheme (short dependency chains).
    ;; Where all four |x| ≤ 1/4, degree 10 in x; else exp(x) = 2^k·e^r, k = round(x/ln 2),
    ;; |r| ≤ ln2/2 (+ rounding), degree 11 in r (remainder < 2^−47), · 2^k built from the
    ;; exponent bits (k + 1023) << 52 (t's own high bits shift out). Relative error < 2^−45
    ;; for |x| ≤ 87; rounded to float32 where that rounding is certain.
    (local.set $i (local.get $start))
    (block $doneB
      (loop $nextB
        (br_if $doneB (i32.gt_s (local.get $i) (local.get $e4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $x (v128.load (i32.add (local.get $pS2) (local.get $o))))
        (local.set $xdlo (f64x2.promote_low_f32x4 (local.get $x)))
        (local.set $xdhi (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))))
        (if (i32x4.all_true (f32x4.le (f32x4.abs (local.get $x)) (v128.load offset=832 (i32.const 0))))
          (then
            ;; |x| ≤ 1/4 (a neuron's step: dt·g_tot/C is small): the polynomial of degree 10
            ;; in x itself (remainder < 2^−47), no reduction
            (local.set $r2lo (f64x2.mul (local.get $xdlo) (local.get $xdlo)))
            (local.set $r4lo (f64x2.mul (local.get $r2lo) (local.get $r2lo)))
            (local.set $ylo
              (f64x2.add
                (f64x2.add (f64x2.add (v128.load offset=560 (i32.const 0)) (local.get $xdlo))
                  (f64x2.mul (local.get $r2lo) (f64x2.add (v128.load offset=576 (i32.const 0)) (f64x2.mul (local.get $xdlo) (v128.load offset=592 (i32.const 0))))))
                (f64x2.mul (local.get $r4lo)
                  (f64x2.add
                    (f64x2.add
                      (f64x2.add (v128.load offset=608 (i32.const 0)) (f64x2.mul (local.get $xdlo) (v128.load offset=624 (i32.const 0))))
                      (f64x2.mul (local.get $r2lo) (f64x2.add (v128.load offset=640 (i32.const 0)) (f64x2.mul (local.get $xdlo) (v128.load offset=656 (i32.const 0))))))
                    (f64x2.mul (local.get $r4lo)
                      (f64x2.add
                        (f64x2.add (v128.load offset=672 (i32.const 0)) (f64x2.mul (local.get $xdlo) (v128.load offset=688 (i32.const 0))))
                        (f64x2.mul (local.get $r2lo) (v128.load offset=704 (i32.const 0)))))))))
            (local.set $r2hi (f64x2.mul (local.get $xdhi) (local.get $xdhi)))
            (local.set $r4hi (f64x2.mul (local.get $r2hi) (local.get $r2hi)))
            (local.set $yhi
              (f64x2.add
                (f64x2.add (f64x2.add (v128.load offset=560 (i32.const 0)) (local.get $xdhi))
                  (f64x2.mul (local.get $r2hi) (f64x2.add (v128.load offset=576 (i32.const 0)) (f64x2.mul (local.get $xdhi) (v128.load offset=592 (i32.const 0))))))
                (f64x2.mul (local.get $r4hi)
                  (f64x2.add
                    (f64x2.add
                      (f64x2.add (v128.load offset=608 (i32.const 0)) (f64x2.mul (local.get $xdhi) (v128.load offset=624 (i32.const 0))))
                      (f64x2.mul (local.get $r2hi) (f64x2.add (v128.load offset=640 (i32.const 0)) (f64x2.mul (local.get $xdhi) (v128.load offset=656 (i32.const 0))))))
                    (f64x2.mul (local.get $r4hi)
                      (f64x2.add
                        (f64x2.add (v128.load offset=672 (i32.const 0)) (f64x2.mul (local.get $xdhi) (v128.load offset=688 (i32.const 0))))
                        (f64x2.mul (local.get $r2hi) (v128.load offset=704 (i32.const 0)))))))))
            ;; certain rounding: y's float64 bits below float32's (the low 29 of the fraction;
            ;; y ∈ [0.77, 1.29] is normal in both) lie farther than 2^13 units (≥ 2^−40 of y)
            ;; from the half-way pattern 2^28
            (local.set $sure
              (i64x2.all_true (v128.and
                (i64x2.gt_s
                  (i64x2.abs (i64x2.sub (v128.and (local.get $ylo) (v128.load offset=768 (i32.const 0)))
                                        (v128.load offset=784 (i32.const 0))))
                  (v128.load offset=800 (i32.const 0)))
                (i64x2.gt_s
                  (i64x2.abs (i64x2.sub (v128.and (local.get $yhi) (v128.load offset=768 (i32.const 0)))
                                        (v128.load offset=784 (i32.const 0))))
                  (v128.load offset=800 (i32.const 0))))))
          )
          (else
            (local.set $sure (i32.const 2))
            ;; t = x/ln2 + 1.5·2^52: t − 1.5·2^52 = k exactly, and t's low bits are k's
            (local.set $tlo (f64x2.add (f64x2.mul (local.get $xdlo) (v128.load offset=512 (i32.const 0))) (v128.load offset=528 (i32.const 0))))
            (local.set $rlo (f64x2.sub (local.get $xdlo)
              (f64x2.mul (f64x2.sub (local.get $tlo) (v128.load offset=528 (i32.const 0))) (v128.load offset=544 (i32.const 0)))))
            (local.set $r2lo (f64x2.mul (local.get $rlo) (local.get $rlo)))
            (local.set $r4lo (f64x2.mul (local.get $r2lo) (local.get $r2lo)))
            (local.set $ylo
              (f64x2.mul
                (f64x2.add
                  (f64x2.add (f64x2.add (v128.load offset=560 (i32.const 0)) (local.get $rlo))
                    (f64x2.mul (local.get $r2lo) (f64x2.add (v128.load offset=576 (i32.const 0)) (f64x2.mul (local.get $rlo) (v128.load offset=592 (i32.const 0))))))
                  (f64x2.mul (local.get $r4lo)
                    (f64x2.add
                      (f64x2.add
                        (f64x2.add (v128.load offset=608 (i32.const 0)) (f64x2.mul (local.get $rlo) (v128.load offset=624 (i32.const 0))))
                        (f64x2.mul (local.get $r2lo) (f64x2.add (v128.load offset=640 (i32.const 0)) (f64x2.mul (local.get $rlo) (v128.load offset=656 (i32.const 0))))))
                      (f64x2.mul (local.get $r4lo)
                        (f64x2.add
                          (f64x2.add (v128.load offset=672 (i32.const 0)) (f64x2.mul (local.get $rlo) (v128.load offset=688 (i32.const 0))))
                          (f64x2.mul (local.get $r2lo) (f64x2.add (v128.load offset=704 (i32.const 0)) (f64x2.mul (local.get $rlo) (v128.load offset=720 (i32.const 0))))))))))
                (i64x2.shl (i64x2.add (local.get $tlo) (v128.load offset=816 (i32.const 0))) (i32.const 52))))
            ;; t = x/ln2 + 1.5·2^52: t − 1.5·2^52 = k exactly, and t's low bits are k's
            (local.set $thi (f64x2.add (f64x2.mul (local.get $xdhi) (v128.load offset=512 (i32.const 0))) (v128.load offset=528 (i32.const 0))))
            (local.set $rhi (f64x2.sub (local.get $xdhi)
              (f64x2.mul (f64x2.sub (local.get $thi) (v128.load offset=528 (i32.const 0))) (v128.load offset=544 (i32.const 0)))))
            (local.set $r2hi (f64x2.mul (local.get $rhi) (local.get $rhi)))
            (local.set $r4hi (f64x2.mul (local.get $r2hi) (local.get $r2hi)))
            (local.set $yhi
              (f64x2.mul
                (f64x2.add
                  (f64x2.add (f64x2.add (v128.load offset=560 (i32.const 0)) (local.get $rhi))
                    (f64x2.mul (local.get $r2hi) (f64x2.add (v128.load offset=576 (i32.const 0)) (f64x2.mul (local.get $rhi) (v128.load offset=592 (i32.const 0))))))
                  (f64x2.mul (local.get $r4hi)
                    (f64x2.add
                      (f64x2.add
                        (f64x2.add (v128.load offset=608 (i32.const 0)) (f64x2.mul (local.get $rhi) (v128.load offset=624 (i32.const 0))))
                        (f64x2.mul (local.get $r2hi) (f64x2.add (v128.load offset=640 (i32.const 0)) (f64x2.mul (local.get $rhi) (v128.load offset=656 (i32.const 0))))))
                      (f64x2.mul (local.get $r4hi)
                        (f64x2.add
                          (f64x2.add (v128.load offset=672 (i32.const 0)) (f64x2.mul (local.get $rhi) (v128.load offset=688 (i32.const 0))))
                          (f64x2.mul (local.get $r2hi) (f64x2.add (v128.load offset=704 (i32.const 0)) (f64x2.mul (local.get $rhi) (v128.load offset=720 (i32.const 0))))))))))
                (i64x2.shl (i64x2.add (local.get $thi) (v128.load offset=816 (i32.const 0))) (i32.const 52))))
          ))
        (local.set $ef
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $ylo)) (f32x4.demote_f64x2_zero (local.get $yhi))))
        ;; the general path: certain rounding (y·(1 ± 2^−40) round alike) and |x| ≤ 87 in every
        ;; lane; where any lane is uncertain, the scalar exp for all four (refractory lanes too:
        ;; they are rare, and so is this)
        (if (i32.eq (local.get $sure) (i32.const 2))
          (then
            (local.set $sure
              (i32x4.all_true
                (v128.and
                  (f32x4.le (f32x4.abs (local.get $x)) (v128.load offset=848 (i32.const 0)))
                  (v128.and
                    (f32x4.eq (local.get $ef)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                        (f32x4.demote_f64x2_zero (f64x2.mul (local.get $ylo) (v128.load offset=736 (i32.const 0))))
                        (f32x4.demote_f64x2_zero (f64x2.mul (local.get $yhi) (v128.load offset=736 (i32.const 0))))))
                    (f32x4.eq (local.get $ef)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                        (f32x4.demote_f64x2_zero (f64x2.mul (local.get $ylo) (v128.load offset=752 (i32.const 0))))
                        (f32x4.demote_f64x2_zero (f64x2.mul (local.get $yhi) (v128.load offset=752 (i32.const 0))))))))))))
        (if (i32.eqz (local.get $sure))
          (then
            (local.set $ef (f32x4.replace_lane 0 (local.get $ef) (call $exp_f32 (f32x4.extract_lane 0 (local.get $x)))))
            (local.set $ef (f32x4.replace_lane 1 (local.get $ef) (call $exp_f32 (f32x4.extract_lane 1 (local.get $x)))))
            (local.set $ef (f32x4.replace_lane 2 (local.get $ef) (call $exp_f32 (f32x4.extract_lane 2 (local.get $x)))))
            (local.set $ef (f32x4.replace_lane 3 (local.get $ef) (call $exp_f32 (f32x4.extract_lane 3 (local.get $x)))))))
        (v128.store (i32.add (local.get $pS2) (local.get $o)) (local.get $ef))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $nextB)))
    ;; 3. V = V∞ + (V − V∞)·e^x where active, the non-finite check and the spikes
    (local.set $i (local.get $start))
    (block $doneC
      (loop $nextC
        (br_if $doneC (i32.gt_s (local.get $i) (local.get $e4)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        ;; not refractory (last ≤ k − nRef) and not silenced
        (local.set $act
          (v128.and
            (i32x4.le_s (v128.load (i32.add (local.get $pLast) (local.get $o))) (i32x4.splat (local.get $kr)))
            (i32x4.eq
              (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u
                (v128.load32_zero (i32.add (local.get $pSil) (local.get $i)))))
              (v128.const i32x4 0 0 0 0))))
        (local.set $vinf (v128.load (i32.add (local.get $pS1) (local.get $o))))
        (local.set $vold (v128.load (i32.add (local.get $pV) (local.get $o))))
        (local.set $vn
          (f32x4.add (local.get $vinf)
            (f32x4.mul (f32x4.sub (local.get $vold) (local.get $vinf))
                       (v128.load (i32.add (local.get $pS2) (local.get $o))))))
        (v128.store (i32.add (local.get $pV) (local.get $o))
          (v128.bitselect (local.get $vn) (local.get $vold) (local.get $act)))
        ;; active lanes with a non-finite V: the first is reported, none spikes
        (local.set $bad4
          (v128.andnot (local.get $act)
            (f32x4.lt (f32x4.abs (local.get $vn)) (v128.load offset=864 (i32.const 0)))))
        (if (i32.and (v128.any_true (local.get $bad4)) (i32.lt_s (global.get $bad) (i32.const 0)))
          (then (global.set $bad
            (i32.add (local.get $i) (i32.ctz (i32x4.bitmask (local.get $bad4)))))))
        (i32.store (i32.add (local.get $pSpiked) (local.get $i)) (i32.const 0))
        ;; spikes, in ascending neuron order
        (local.set $m
          (i32x4.bitmask
            (v128.andnot
              (v128.and (local.get $act) (f32x4.gt (local.get $vn) (local.get $sVth)))
              (local.get $bad4))))
        (block $nospk
          (loop $spk
            (br_if $nospk (i32.eqz (local.get $m)))
            (local.set $l (i32.add (local.get $i) (i32.ctz (local.get $m))))
            (i32.store8 (i32.add (local.get $pSpiked) (local.get $l)) (i32.const 1))
            (i32.store (i32.add (local.get $pList) (i32.shl (local.get $ns) (i32.const 2))) (local.get $l))
            (local.set $ns (i32.add (local.get $ns) (i32.const 1)))
            (local.set $m (i32.and (local.get $m) (i32.sub (local.get $m) (i32.const 1))))
            (br $spk)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $nextC)))
    (call $update_scalar
      (local.get $i) (local.get $end) (local.get $k) (local.get $ns) (local.get $pV)
      (local.get $pGE) (local.get $pGI) (local.get $pAE) (local.get $pAI) (local.get
      $pLast) (local.get $pIext) (local.get $pSil) (local.get $pSpiked) (local.get $pList)
      (local.get $gL) (local.get $gLEL) (local.get $VE) (local.get $VI) (local.get $Vth)
      (local.get $dtC) (local.get $dE) (local.get $dI) (local.get $Ibg) (local.get $nRef)
      (local.get $uE) (local.get $uI)))

  ;; The SIMD update's constants, stored at bytes [512, 880) by `init` (called once per
  ;; instance): the loops load them from memory. Held as constants, V8 rebuilds each from
  ;; immediates at every use inside the loop (three instructions apiece), which cost more than
  ;; the arithmetic; a load is one instruction, or none when folded into the operation.
  (func (export "init")
    (v128.store offset=512 (i32.const 0) (v128.const f64x2 1.4426950408889634 1.4426950408889634)) ;; 1/ln 2
    (v128.store offset=528 (i32.const 0) (v128.const f64x2 6755399441055744 6755399441055744)) ;; 1.5·2^52
    (v128.store offset=544 (i32.const 0) (v128.const f64x2 0.6931471805599453 0.6931471805599453)) ;; ln 2
    (v128.store offset=560 (i32.const 0) (v128.const f64x2 1 1)) ;; 1/0!
    (v128.store offset=576 (i32.const 0) (v128.const f64x2 0.5 0.5)) ;; 1/1!
    (v128.store offset=592 (i32.const 0) (v128.const f64x2 0.16666666666666666 0.16666666666666666)) ;; 1/2!
    (v128.store offset=608 (i32.const 0) (v128.const f64x2 0.041666666666666664 0.041666666666666664)) ;; 1/3!
    (v128.store offset=624 (i32.const 0) (v128.const f64x2 0.008333333333333333 0.008333333333333333)) ;; 1/4!
    (v128.store offset=640 (i32.const 0) (v128.const f64x2 0.001388888888888889 0.001388888888888889)) ;; 1/5!
    (v128.store offset=656 (i32.const 0) (v128.const f64x2 1.984126984126984e-4 1.984126984126984e-4)) ;; 1/6!
    (v128.store offset=672 (i32.const 0) (v128.const f64x2 2.48015873015873e-5 2.48015873015873e-5)) ;; 1/7!
    (v128.store offset=688 (i32.const 0) (v128.const f64x2 2.755731922398589e-6 2.755731922398589e-6)) ;; 1/8!
    (v128.store offset=704 (i32.const 0) (v128.const f64x2 2.755731922398589e-7 2.755731922398589e-7)) ;; 1/9!
    (v128.store offset=720 (i32.const 0) (v128.const f64x2 2.505210838544172e-8 2.505210838544172e-8)) ;; 1/10!
    (v128.store offset=736 (i32.const 0) (v128.const f64x2 1.0000000000009095 1.0000000000009095)) ;; 1 + 2^−40
    (v128.store offset=752 (i32.const 0) (v128.const f64x2 0.9999999999990905 0.9999999999990905)) ;; 1 − 2^−40
    (v128.store offset=768 (i32.const 0) (v128.const i64x2 0x1fffffff 0x1fffffff))
    (v128.store offset=784 (i32.const 0) (v128.const i64x2 0x10000000 0x10000000))
    (v128.store offset=800 (i32.const 0) (v128.const i64x2 0x2000 0x2000))
    (v128.store offset=816 (i32.const 0) (v128.const i64x2 1023 1023))
    (v128.store offset=832 (i32.const 0) (v128.const f32x4 0.25 0.25 0.25 0.25))
    (v128.store offset=848 (i32.const 0) (v128.const f32x4 87 87 87 87))
    (v128.store offset=864 (i32.const 0) (v128.const f32x4 inf inf inf inf)))

  ;; Philox4x32-10 (Salmon et al. 2011; philox.ts, shaders/lib/philox.wgsl) of the counter
  ;; [c0, c1, c2, 0] under the key [k0, k1]: the four words are stored at byte $out.
  (func $philox (param $c0 i32) (param $c1 i32) (param $c2 i32) (param $k0 i32) (param $k1 i32)
    (param $out i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $r i32)
    (local $p0 i64) (local $p1 i64) (local $t i32)
    (local.set $x0 (local.get $c0)) (local.set $x1 (local.get $c1)) (local.set $x2 (local.get $c2))
    (local.set $x3 (i32.const 0))
    (local.set $r (i32.const 0))
    (loop $round
      ;; p0 = M0·x0, p1 = M1·x2 (64-bit products)
      (local.set $p0 (i64.mul (i64.extend_i32_u (local.get $x0)) (i64.const 0xd2511f53)))
      (local.set $p1 (i64.mul (i64.extend_i32_u (local.get $x2)) (i64.const 0xcd9e8d57)))
      ;; x = [hi(p1) ^ x1 ^ k0, lo(p1), hi(p0) ^ x3 ^ k1, lo(p0)]
      (local.set $t (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p1) (i64.const 32)))
                                      (local.get $x1)) (local.get $k0)))
      (local.set $x2 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p0) (i64.const 32)))
                                       (local.get $x3)) (local.get $k1)))
      (local.set $x0 (local.get $t))
      (local.set $x1 (i32.wrap_i64 (local.get $p1)))
      (local.set $x3 (i32.wrap_i64 (local.get $p0)))
      ;; the key schedule (Weyl sequence)
      (local.set $k0 (i32.add (local.get $k0) (i32.const 0x9e3779b9)))
      (local.set $k1 (i32.add (local.get $k1) (i32.const 0xbb67ae85)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $round (i32.lt_u (local.get $r) (i32.const 10))))
    (i32.store offset=0 (local.get $out) (local.get $x0))
    (i32.store offset=4 (local.get $out) (local.get $x1))
    (i32.store offset=8 (local.get $out) (local.get $x2))
    (i32.store offset=12 (local.get $out) (local.get $x3)))

  ;; Step 2 for the n Poisson trains of one source at step k (cpuSim.ts, stepOnce; docs:
  ;; Random numbers): train jj = q0 + j (global Poisson index) draws word jj & 3 of the Philox
  ;; block [k_lo, k_hi, jj >> 2, 0] under the key, spikes when its uniform (x >> 9) + ½)·2^−23
  ;; is below prob[jj], and is appended to the spike list as entity e0 + j. Returns the new
  ;; spike count. The block's words are kept at byte 256 (after the exp table).
  (func (export "poisson")
    (param $n i32) (param $q0 i32) (param $e0 i32) (param $klo i32) (param $khi i32)
    (param $key0 i32) (param $key1 i32) (param $pProb i32) (param $pSpiked i32)
    (param $pList i32) (param $ns i32)
    (result i32)
    (local $j i32) (local $jj i32) (local $hit i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $jj (i32.add (local.get $q0) (local.get $j)))
        (if (i32.or (i32.eqz (i32.and (local.get $jj) (i32.const 3))) (i32.eqz (local.get $j)))
          (then (call $philox (local.get $klo) (local.get $khi)
                  (i32.shr_u (local.get $jj) (i32.const 2)) (local.get $key0) (local.get $key1)
                  (i32.const 256))))
        ;; the uniform is exact in float32 (24 significant bits), as u32ToUniform's
        (local.set $hit
          (f32.lt
            (f32.mul
              (f32.add
                (f32.convert_i32_u (i32.shr_u
                  (i32.load offset=256 (i32.shl (i32.and (local.get $jj) (i32.const 3)) (i32.const 2)))
                  (i32.const 9)))
                (f32.const 0.5))
              (f32.const 0x1p-23))
            (f32.load (i32.add (local.get $pProb) (i32.shl (local.get $jj) (i32.const 2))))))
        (i32.store8 (i32.add (local.get $pSpiked) (i32.add (local.get $e0) (local.get $j)))
          (local.get $hit))
        (if (local.get $hit)
          (then
            (i32.store (i32.add (local.get $pList) (i32.shl (local.get $ns) (i32.const 2)))
              (i32.add (local.get $e0) (local.get $j)))
            (local.set $ns (i32.add (local.get $ns) (i32.const 1)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (local.get $ns))

  ;; Step 3(a) for a static projection (no plasticity, no STP; cpuSim.ts, synapses): for each
  ;; of the step's nSpikes spiking entities (ascending) in [preStart, preEnd), its synapses
  ;; rowPtr[j] … rowPtr[j+1] − 1 add their fixed-point jumps inc[s] to acc[base + col[s]]
  ;; (integer sums: the order never matters).
  (func (export "deliver")
    (param $nSpikes i32) (param $pList i32) (param $preStart i32) (param $preEnd i32)
    (param $pRowPtr i32) (param $pCol i32) (param $pInc i32) (param $pAcc i32) (param $base i32)
    (local $q i32) (local $e i32) (local $s i32) (local $s1 i32) (local $a i32)
    (local.set $pAcc (i32.add (local.get $pAcc) (i32.shl (local.get $base) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $q) (local.get $nSpikes)))
        (local.set $e (i32.load (i32.add (local.get $pList) (i32.shl (local.get $q) (i32.const 2)))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br_if $next (i32.lt_s (local.get $e) (local.get $preStart)))
        (br_if $done (i32.ge_s (local.get $e) (local.get $preEnd)))
        (local.set $a (i32.add (local.get $pRowPtr)
          (i32.shl (i32.sub (local.get $e) (local.get $preStart)) (i32.const 2))))
        (local.set $s (i32.load (local.get $a)))
        (local.set $s1 (i32.load offset=4 (local.get $a)))
        (block $rowDone
          (loop $syn
            (br_if $rowDone (i32.ge_u (local.get $s) (local.get $s1)))
            (local.set $a (i32.add (local.get $pAcc)
              (i32.shl (i32.load (i32.add (local.get $pCol) (i32.shl (local.get $s) (i32.const 2))))
                       (i32.const 2))))
            (i32.store (local.get $a)
              (i32.add (i32.load (local.get $a))
                       (i32.load (i32.add (local.get $pInc) (i32.shl (local.get $s) (i32.const 2))))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $syn)))
        (br $next)))
  )
)
