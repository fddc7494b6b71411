// JavaScript number semantics for the code that must produce the same bits
// as a TypeScript twin: Math.max/Math.min (NaN wins, +0 > -0), Math.round
// (halves toward +infinity), ToInt32 (`x | 0`) and the order of
// Float64Array.prototype.sort (numeric, -0 before +0, NaN last).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace gn {
namespace js {

inline uint64_t bits(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

inline double from_bits(uint64_t u) {
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// Branch-free: the lifecycle calls these several times per level on data that flips often
// (max(0, x) with x == 0 half the time), where a branch per case mispredicts.
inline double max(double a, double b) {
  uint64_t r = bits(a > b ? a : b);                     // b when equal or unordered
  const uint64_t equal = 0 - static_cast<uint64_t>(a == b);  // +0 and -0: +0 wins (sign AND)
  r = (r & ~equal) | (bits(a) & bits(b) & equal);
  const uint64_t nan_a = 0 - static_cast<uint64_t>(a != a);  // b NaN: already r = b
  return from_bits((r & ~nan_a) | (bits(a) & nan_a));
}

inline double min(double a, double b) {
  uint64_t r = bits(a < b ? a : b);
  const uint64_t equal = 0 - static_cast<uint64_t>(a == b);  // -0 wins (sign OR)
  r = (r & ~equal) | ((bits(a) | bits(b)) & equal);
  const uint64_t nan_a = 0 - static_cast<uint64_t>(a != a);
  return from_bits((r & ~nan_a) | (bits(a) & nan_a));
}

// Math.max / Math.min for arguments known to be neither NaN nor -0: then a plain comparison
// returns the same bits, in two instructions instead of a dozen.
inline double max_plain(double a, double b) { return a > b ? a : b; }
inline double min_plain(double a, double b) { return a < b ? a : b; }

inline double round(double x) {
  if (!std::isfinite(x)) return x;
  double r = std::floor(x);
  if (x - r >= 0.5) r += 1.0;  // x - floor(x) is exact for every double
  if (r == 0 && (x < 0 || std::signbit(x))) return -0.0;
  return r;
}

inline int32_t to_int32(double x) {
  if (!std::isfinite(x)) return 0;
  double t = std::trunc(x);
  if (t >= -2147483648.0 && t <= 2147483647.0) return static_cast<int32_t>(t);
  t = std::fmod(t, 4294967296.0);
  if (t < 0) t += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(t));
}

// The comparison Float64Array.prototype.sort uses without a comparator.
inline bool sort_less(double a, double b) {
  if (a != a) return false;
  if (b != b) return true;
  if (a < b) return true;
  return a == 0 && b == 0 && std::signbit(a) && !std::signbit(b);
}

}  // namespace js
}  // namespace gn
