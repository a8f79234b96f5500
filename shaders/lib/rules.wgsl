// Plasticity rules (Soldado-Magraner et al. 2022, eqs 6–8, and their multi-unit forms):
// the WGSL twin of applyRule in src/engine/cpu/rateKernels.ts. r are the rectified
// averaged rates max(rectify, Avg) (trial mode) or the low-passed sensors (online, Fig S4).
//
//   ΔW_ij = s_j · α_post(i) · r_j · (homeostatic term + cross term)
//   homeostatic (eq 6): set_post − r_i
//   cross       (eq 7): mean_k∈I(I_set − r_k) for E posts, −mean_k∈E(E_set − r_k) for I posts
//   two-term    (eq 8): both
// s_j = +1 for an E and −1 for an I presynaptic unit (W holds magnitudes; an I weight grows
// when the term is negative). Every synapse is floored at its class floor afterwards.
// Set points and α come in as float32 (the CPU subtracts rates from the float64 set point
// and rounds once: identical whenever the set point is a float32 value, as 5 and 14 are).
// Reads the uniform P of the including kernel (see common.wgsl).

// Rectification of an averaged rate (comparison form: a NaN gives the floor, as on the CPU).
fn rule_rectify(v: f32, rectify: f32) -> f32 {
  return select(rectify, v, v > rectify);
}

// The error term shared by all synapses onto post unit i; err_e / err_i are the population
// mean errors mean_k∈E(E_set − r_k) and mean_k∈I(I_set − r_k).
fn rule_post_term(post_e: bool, r_post: f32, err_e: f32, err_i: f32) -> f32 {
  let homeo = P.rule == RULE_HOMEOSTATIC || P.rule == RULE_TWO_TERM;
  let cross = P.rule == RULE_CROSS || P.rule == RULE_TWO_TERM;
  var local = 0.0;
  if (homeo) {
    local = select(P.set_i, P.set_e, post_e) - r_post;
  }
  var cross_err = 0.0;
  if (cross) {
    cross_err = select(-err_e, err_i, post_e);
  }
  return local + cross_err;
}

// Is class (post, pre) plastic? (a knocked-out or clamped class is not)
fn rule_plastic(post_e: bool, pre_e: bool) -> bool {
  let bit = select(select(8u, 4u, pre_e), select(2u, 1u, pre_e), post_e);
  return (P.plastic & bit) != 0u;
}

fn rule_floor(post_e: bool, pre_e: bool) -> f32 {
  return select(select(P.floor_ii, P.floor_ie, pre_e), select(P.floor_ei, P.floor_ee, pre_e), post_e);
}

fn rule_alpha(post_e: bool) -> f32 {
  return select(P.alpha_i, P.alpha_e, post_e);
}

// One synapse: w ± (α·r_pre)·term, then the floor.
fn rule_synapse(w: f32, pre_e: bool, alpha: f32, r_pre: f32, term: f32, floor: f32) -> f32 {
  let d = (alpha * r_pre) * term;
  let nw = select(w - d, w + d, pre_e);
  return select(floor, nw, nw > floor);
}
