// The exported gn_lifecycle_detectors, gn_lifecycle_detector_events and
// gn_lifecycle_reach_ticks functions: the frame detectors (frame_detectors.hpp)
// that gn_lifecycle_frame runs on a handle once enabled.
#include <cmath>
#include <cstring>
#include <memory>
#include <new>

#include "../include/genesis.h"
#include "frame_detectors.hpp"
#include "lifecycle.hpp"
#include "lifecycle_handles.hpp"
#include "lifecycle_inputs.hpp"

static_assert(gn::kDetectorEventDoubles == GN_DETECTOR_EVENT_DOUBLES, "detector event layout");

namespace {

using gn::lifecycle_handles::lookup;
using gn::lifecycle_inputs::integral_in;

bool read_detector_params(const gn_detector_params* in, gn::FrameDetectorConfig* out) {
  if (in->struct_size < sizeof(gn_detector_params) || in->reserved != 0) return false;
  // Each window is a few arrays of doubles (a rolling sample keeps seven times its capacity): 2^20
  // at most keeps one sample under 64 MiB.
  const double window_max = 1048576.0;
  if (!integral_in(in->pressure_levels, 0, 4096) || !integral_in(in->gap_levels, 0, 4096) ||
      !integral_in(in->pressure_window, 1, window_max) || !integral_in(in->gap_window, 1, window_max) ||
      !integral_in(in->reach_window, 1, window_max) || !integral_in(in->stuffing_window, 1, window_max))
    return false;
  // The reach keeps a sample per reach_sample_ms over its longest horizon (8 s): at most window_max.
  if (!(in->reach_sample_ms >= 8000.0 / window_max) || !std::isfinite(in->reach_sample_ms)) return false;
  const double reals[] = {in->pressure_tail,       in->pressure_sample_ms, in->pressure_warmup_samples,
                          in->pressure_min_duration_ms, in->gap_tail,       in->gap_multiple,
                          in->gap_min_ticks,       in->gap_sample_ms,      in->gap_warmup_samples,
                          in->gap_min_duration_ms,  in->stuffing_near_ticks, in->stuffing_window_ms,
                          in->stuffing_sample_ms,   in->stuffing_warmup_samples, in->stuffing_quantile,
                          in->stuffing_rate_multiple, in->stuffing_min_excess, in->stuffing_min_cancel_ratio,
                          in->stuffing_min_near_share};
  for (const double x : reals)
    if (std::isnan(x)) return false;
  // Read as quantiles (1 - tail, tail, quantile): an infinite one has no rank.
  for (const double q : {in->pressure_tail, in->gap_tail, in->stuffing_quantile})
    if (!std::isfinite(q)) return false;
  *out = gn::FrameDetectorConfig{static_cast<int32_t>(in->pressure_levels), in->pressure_tail,
                               in->pressure_sample_ms,                     static_cast<int32_t>(in->pressure_window),
                               in->pressure_warmup_samples,                in->pressure_min_duration_ms,
                               static_cast<int32_t>(in->gap_levels),       in->gap_tail,
                               in->gap_multiple,                           in->gap_min_ticks,
                               in->gap_sample_ms,                          static_cast<int32_t>(in->gap_window),
                               in->gap_warmup_samples,                     in->gap_min_duration_ms,
                               in->reach_sample_ms,                        static_cast<int32_t>(in->reach_window),
                               gn::QuoteStuffingParams{in->stuffing_near_ticks, in->stuffing_window_ms,
                                                       in->stuffing_sample_ms, static_cast<int32_t>(in->stuffing_window),
                                                       in->stuffing_warmup_samples, in->stuffing_quantile,
                                                       in->stuffing_rate_multiple, in->stuffing_min_excess,
                                                       in->stuffing_min_cancel_ratio, in->stuffing_min_near_share}};
  return true;
}

}  // namespace

extern "C" {

GN_API int gn_lifecycle_detectors(gn_lifecycle handle, const gn_detector_params* params) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!params) return GN_ERR_NULL;
  gn::FrameDetectorConfig p;
  if (!read_detector_params(params, &p)) return GN_ERR_INVALID;
  try {
    life->set_detectors(std::make_unique<gn::FrameDetectors>(life->tick_size(), p));
  } catch (const std::bad_alloc&) {
    return GN_ERR_ALLOC;
  }
  return GN_OK;
}

GN_API int gn_lifecycle_detector_events(gn_lifecycle handle, double* out, int32_t capacity, int32_t* out_n) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!out_n) return GN_ERR_NULL;
  *out_n = 0;
  gn::FrameDetectors* detectors = life->detectors();
  if (!detectors || detectors->events().empty()) return GN_OK;
  const std::vector<double>& events = detectors->events();
  *out_n = static_cast<int32_t>(events.size() / GN_DETECTOR_EVENT_DOUBLES);
  if (*out_n > capacity) return GN_ERR_CAPACITY;
  if (!out) return GN_ERR_NULL;
  std::memcpy(out, events.data(), events.size() * sizeof(double));
  detectors->take_events();
  return GN_OK;
}

GN_API int gn_lifecycle_reach_ticks(gn_lifecycle handle, double horizon_ms, double quantile, double* out) {
  gn::Lifecycle* life = lookup(handle);
  if (!life) return GN_ERR_HANDLE;
  if (!out) return GN_ERR_NULL;
  const gn::FrameDetectors* detectors = life->detectors();
  if (!detectors) return GN_ERR_INVALID;
  *out = detectors->reach().ticks(horizon_ms, quantile);
  return GN_OK;
}

}  // extern "C"
