// Checks and prefetches over the inputs of gn_lifecycle_frame / gn_lifecycle_process (see
// lifecycle_abi.cpp): the per-level validation, run over every level of every frame before any
// state changes, and the loads it starts for what the frame and its caller read next.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lifecycle.hpp"

namespace gn::lifecycle_inputs {

// lo and hi within +-2^53; no libm call (floor is one without SSE4.1): this runs per level.
inline bool integral_in(double x, double lo, double hi) {
  return x >= lo && x <= hi && static_cast<double>(static_cast<int64_t>(x)) == x;
}

inline bool valid_trade(double ts, double price, double qty, int8_t side) {
  return std::isfinite(ts) && std::isfinite(price) && std::isfinite(qty) && qty >= 0 && (side == 1 || side == -1);
}

// x + 1.5 * 2^52 - 1.5 * 2^52 rounds |x| < 2^51 to an integer: x is one when it comes back.
constexpr double kRound = 6755399441055744.0;

// An integer price below 2^31 in magnitude and a finite quantity >= 0 (NaN fails every comparison).
inline bool valid_level(double p, double q) {
  return (std::fabs(p) <= 2147483647.0) & ((p + kRound) - kRound == p) & (q >= 0.0) &
         (q <= std::numeric_limits<double>::max());
}

// A side of 0/1 and valid_level for every level. No early exits (the common case is a valid
// frame, and this runs per level), two levels per step where SSE2 is there (the compiler does not
// vectorise the boolean form). With `life`, it also starts the load of each level's row
// (gn::Lifecycle::prefetch_row): this is the frame's first pass over its levels, and the misses
// then overlap with the rest of it.
inline bool valid_levels(const uint8_t* side, const double* price, const double* qty, int32_t n,
                  const gn::Lifecycle* life = nullptr) {
  unsigned sides = 0;
  for (int32_t j = 0; j < n; j++) sides |= side[j];
  bool ok = sides <= 1;
  int32_t j = 0;
#if defined(__SSE2__)
  const __m128d limit = _mm_set1_pd(2147483647.0), round = _mm_set1_pd(kRound), zero = _mm_setzero_pd();
  const __m128d qty_max = _mm_set1_pd(std::numeric_limits<double>::max());
  const __m128d abs_mask = _mm_castsi128_pd(_mm_set1_epi64x(0x7FFFFFFFFFFFFFFF));
  __m128d good = _mm_cmpeq_pd(zero, zero);
  for (; j + 2 <= n; j += 2) {
    const __m128d p = _mm_loadu_pd(price + j), q = _mm_loadu_pd(qty + j);
    const __m128d in_range = _mm_cmple_pd(_mm_and_pd(p, abs_mask), limit);
    const __m128d integral = _mm_cmpeq_pd(_mm_sub_pd(_mm_add_pd(p, round), round), p);
    const __m128d qty_ok = _mm_and_pd(_mm_cmple_pd(zero, q), _mm_cmple_pd(q, qty_max));
    good = _mm_and_pd(good, _mm_and_pd(_mm_and_pd(in_range, integral), qty_ok));
    if (life) {
      // Truncated as they come (an invalid price gives some row: a prefetch changes nothing).
      const __m128i ticks = _mm_cvttpd_epi32(p);
      life->prefetch_row(side[j] & 1, _mm_cvtsi128_si32(ticks));
      life->prefetch_row(side[j + 1] & 1, _mm_cvtsi128_si32(_mm_shuffle_epi32(ticks, 1)));
    }
  }
  ok &= _mm_movemask_pd(good) == 3;
#endif
  for (; j < n; j++) ok &= valid_level(price[j], qty[j]);
  if (ok && life)
    for (int32_t k = j; k < n; k++) life->prefetch_row(side[k], static_cast<int32_t>(price[k]));
  return ok;
}

// Starts the load of every cache line of `n` doubles at `p` (read soon; no effect on the state).
inline void prefetch_span(const double* p, int32_t n) {
  if (n <= 0) return;
  const char* const first = reinterpret_cast<const char*>(p);
  const char* const last = reinterpret_cast<const char*>(p + n - 1);
  for (const char* q = first; q <= last; q += 64) __builtin_prefetch(q, 0, 3);
  __builtin_prefetch(last, 0, 3);  // the line of the last element when `first` is not line-aligned
}

}  // namespace gn::lifecycle_inputs
